package dev.runnel.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.registry.fixture.Api;
import dev.runnel.registry.fixture.Specs;
import dev.runnel.testsupport.Identities;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class ServiceBotBindingTest {

    private static ObjectNode service(String name, String packageId) {
        return Api.mapper().createObjectNode().put("name", name).put("packageId", packageId);
    }

    @Test
    void withoutABotTheProjectsDefaultBotIsCreatedOnceAndUsed() {
        Api api = Api.newProject();
        String packageId = api.pushPackage("pkg");
        String first = api.post("/services", service("one", packageId)).statusCode(201)
                .body("botUserName", equalTo("bot.default@" + api.project)).extract().path("botUserName");
        api.post("/services", service("two", packageId)).statusCode(201).body("botUserName", equalTo(first));
        assertThat(Identities.call("GET", "/projects/" + api.project + "/bots", api.token, null, 200)).hasSize(1);
    }

    @Test
    void aNamedBotMustBeADeveloperBotOfTheProject() {
        Api api = Api.newProject();
        String packageId = api.pushPackage("pkg");
        Identities.call("POST", "/projects/" + api.project + "/bots", api.token,
                java.util.Map.of("name", "worker"), 201);
        String worker = "bot.worker@" + api.project;
        api.post("/services", service("named", packageId).put("botUserName", worker)).statusCode(201)
                .body("botUserName", equalTo(worker));

        // a bot of another project, a person, and a name that is nobody are refused
        Api other = Api.newProject();
        Identities.call("POST", "/projects/" + other.project + "/bots", other.token, java.util.Map.of("name", "x"), 201);
        api.post("/services", service("foreign", packageId).put("botUserName", "bot.x@" + other.project))
                .statusCode(400).body("field", equalTo("botUserName"))
                .body("message", containsString(api.project));
        Identities.User person = Identities.user("person");
        Identities.addMember(api.token, api.project, person.id(), "developer");
        api.post("/services", service("person", packageId).put("botUserName", person.username())).statusCode(400)
                .body("field", equalTo("botUserName"));
        api.post("/services", service("nobody", packageId).put("botUserName", "bot.ghost@nowhere")).statusCode(400)
                .body("field", equalTo("botUserName"));
    }

    @Test
    void anotherProjectsBotCanNeitherJoinNorRunServicesHere() {
        // the takeover: the owner of A tries to add B's default bot to A, then to run a service of A as it
        Api victim = Api.newProject();
        String victimBot = Identities.call("PUT", "/projects/" + victim.project + "/bots/default", victim.token, null,
                200).get("userName").asText();
        Api attacker = Api.newProject();
        Identities.call("POST", "/projects/" + attacker.project + "/members", attacker.token,
                java.util.Map.of("userId", victimBot, "role", "developer"), 400);
        String packageId = attacker.pushPackage("pkg");
        attacker.post("/services", service("borrowed", packageId).put("botUserName", victimBot)).statusCode(400)
                .body("field", equalTo("botUserName"));
        assertThat(Identities.call("GET", "/projects/" + attacker.project + "/members", attacker.token, null, 200))
                .noneMatch(member -> member.get("username").asText().equals(victimBot));
    }

    @Test
    void changingTheBotIsANewVersionOnServiceSpecs() {
        Api api = Api.newProject();
        String packageId = api.pushPackage("pkg");
        String id = api.post("/services", service("rebot", packageId)).statusCode(201).extract().path("id");
        Identities.call("POST", "/projects/" + api.project + "/bots", api.token, java.util.Map.of("name", "next"), 201);
        api.patch("/services/" + id, Api.mapper().createObjectNode().put("botUserName", "bot.next@" + api.project))
                .statusCode(200).body("version", equalTo(2)).body("botUserName", equalTo("bot.next@" + api.project));
        assertThat(Specs.published(id, 2)).extracting(ServiceSpec::botUserName)
                .containsExactly("bot.default@" + api.project, "bot.next@" + api.project);
    }
}
