package dev.runnel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.RunnelInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Code in a real local replica looks around the machine (ADR 16): it reads none of the state folder (the
 * admin and operator keys, another service's bot credential), sees no process but its own, is not root,
 * and PostgreSQL asks it for a password it does not have.
 */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class ReplicaSandboxTest {

    @Test
    void codeInALocalReplicaSeesNoneOfThePlatformsSecrets() throws Exception {
        Path home = RunnelInfrastructure.home();
        Deployments.Project victims = Deployments.project();
        String victim = Deployments.deployLab(victims, Map.of());
        Deployments.waitFor(victims, Deployments.execute(victims, victim, "slow", Map.of("seconds", 0)));
        Path victimsCredential = home.resolve("replicas").resolve(victim).resolve("bot.credential");
        List<String> secrets = List.of(home.resolve("admin.key").toString(), home.resolve("operator.key").toString(),
                victimsCredential.toString());
        for (String secret : secrets) {
            assertThat(Path.of(secret)).as("the walk needs " + secret + " to be there").exists();
        }

        Deployments.Project attackers = Deployments.project();
        String mine = Deployments.deployLab(attackers, Map.of());
        JsonPath seen = Deployments.waitFor(attackers, Deployments.execute(attackers, mine, "look_around", Map.of(
                "paths", secrets, "port", RunnelInfrastructure.postgres().port())));
        assertThat(seen.getString("latestStatus.status")).as(seen.prettify()).isEqualTo("success");

        Map<String, String> files = seen.getMap("output.files");
        for (String secret : secrets) {
            assertThat(files.get(secret)).as(secret).startsWith("refused");
        }
        List<Integer> processes = seen.getList("output.processes", Integer.class);
        assertThat(processes).as("its own processes only: the runner (pid 1) and its Python worker")
                .allMatch(pid -> pid < 100).hasSizeLessThan(10);
        if ("root".equals(System.getProperty("user.name"))) {
            // (an operator that is not root runs it as its own user, root only of the replica's namespaces)
            assertThat(seen.getInt("output.uid")).as("not root, when the operator is").isNotEqualTo(0);
        }
        assertThat(seen.getString("output.database.message")).isEqualTo("R");
        assertThat(seen.getInt("output.database.authentication")).as("PostgreSQL wants a password (10: SCRAM)")
                .isEqualTo(10);
        assertThat(Files.readString(home.resolve("admin.key"))).isNotBlank();
    }
}
