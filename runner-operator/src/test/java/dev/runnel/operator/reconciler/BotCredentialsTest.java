package dev.runnel.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.operator.OperatorConfig;
import dev.runnel.operator.OperatorWorld;
import dev.runnel.testsupport.Identities;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A service's bot credential is issued once per binding and kept with its replicas: another
 * operator takes it up; a change of bot or the service's deletion revokes it.
 */
@QuarkusTest
@WithTestResource(OperatorWorld.class)
class BotCredentialsTest {

    @Inject
    OperatorConfig config;

    private int exchange(String credential) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(config.api() + "/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiKey\": \"" + credential + "\"}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void oneCredentialPerBindingTakenUpByTheNextOperatorAndRevokedWhenTheBindingEnds() throws Exception {
        Identities.User owner = Identities.user("binder");
        String project = Identities.project(owner.token());
        String first = Identities.call("PUT", "/projects/" + project + "/bots/default", owner.token(), null, 200)
                .get("userName").asText();
        String second = Identities.call("POST", "/projects/" + project + "/bots", owner.token(),
                Map.of("name", "second"), 201).get("userName").asText();
        String service = "svc" + System.nanoTime();
        AtomicReference<String> kept = new AtomicReference<>();

        String issued = new BotCredentials(config).of(service, first, () -> Optional.ofNullable(kept.get()));
        kept.set(issued);
        // a restarted operator (nothing in memory) takes up the kept credential instead of issuing another
        assertThat(new BotCredentials(config).of(service, first, () -> Optional.ofNullable(kept.get())))
                .isEqualTo(issued);
        assertThat(exchange(issued)).isEqualTo(200);

        // the service now runs as another bot: a new credential, and the old one is revoked
        BotCredentials operator = new BotCredentials(config);
        String rebound = operator.of(service, second, () -> Optional.ofNullable(kept.get()));
        assertThat(rebound).isNotEqualTo(issued);
        assertThat(exchange(issued)).isEqualTo(401);
        assertThat(exchange(rebound)).isEqualTo(200);

        // the service is deleted: its credential is revoked
        operator.end(service);
        assertThat(exchange(rebound)).isEqualTo(401);
    }
}
