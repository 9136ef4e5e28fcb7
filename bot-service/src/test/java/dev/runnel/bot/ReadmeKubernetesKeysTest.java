package dev.runnel.bot;

import static dev.runnel.bot.Calls.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.bot.user.ApiKeys;
import dev.runnel.testsupport.RunnelInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Kubernetes steps, as written: the keys its {@code kubectl create secret} command makes
 * (run by bash here) are what bot-service takes on its first start, and the chart's notes say the same.
 */
@QuarkusTest
@WithTestResource(RunnelInfrastructure.class)
@TestProfile(ReadmeKubernetesKeysTest.AsTheReadmeSays.class)
class ReadmeKubernetesKeysTest {

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("README.md")) || !Files.isDirectory(dir.resolve("deploy"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    /** The shell expression the text gives after {@code --from-literal=<label>=}. */
    static String expression(String text, String label) {
        Matcher m = Pattern.compile("--from-literal=" + Pattern.quote(label) + "=((?:[^\\s$]|\\$\\([^)]*\\))+)")
                .matcher(text);
        assertThat(m.find()).as("a command for " + label).isTrue();
        return m.group(1);
    }

    static String run(String expression) {
        try {
            Process bash = new ProcessBuilder("bash", "-c", "printf %s " + expression).start();
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.waitFor()).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String readme() {
        try {
            return Files.readString(root().resolve("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String ADMIN_KEY = run(expression(readme(), "admin-key"));
    static final String OPERATOR_KEY = run(expression(readme(), "operator-key"));

    /** The Secret's keys, as the chart hands them to bot-service. */
    public static class AsTheReadmeSays implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runnel.bot.admin-key", ADMIN_KEY, "runnel.bot.operator-key", OPERATOR_KEY);
        }
    }

    @Test
    void theKeysTheReadmeMakesWorkOnAFirstStart() throws IOException {
        assertThat(ADMIN_KEY).startsWith("rnl_").isNotEqualTo(OPERATOR_KEY);
        as(Calls.token(ADMIN_KEY)).get("/api/v1/users/me").then().statusCode(200).body("username", equalTo("admin"))
                .body("admin", equalTo(true));
        as(Calls.token(OPERATOR_KEY)).get("/api/v1/users/me").then().statusCode(200)
                .body("username", equalTo("runner-operator"));

        String notes = Files.readString(root().resolve("deploy/helm/runnel/templates/NOTES.txt"));
        assertThat(expression(notes, "{{ .Values.auth.adminKeyKey }}")).isEqualTo(expression(readme(), "admin-key"))
                .isEqualTo(ApiKeys.RECIPE);
        assertThat(expression(notes, "{{ .Values.auth.operatorKeyKey }}")).isEqualTo(ApiKeys.RECIPE);
    }
}
