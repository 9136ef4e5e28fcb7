package dev.runnel.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import dev.runnel.operator.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials of services' bots for their replicas: only the operator may have bot-service issue them.
 * One per bot, reused by its replicas; a credential is checked again (exchanged) when it was last
 * checked longer ago than {@link #RECHECK}, and one that bot-service refuses (the bot was removed
 * or demoted, which revokes its keys) is replaced by a new one.
 */
@ApplicationScoped
public class BotCredentials {

    private final OperatorConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Duration RECHECK = Duration.ofSeconds(30);

    private record Known(String credential, Instant checkedAt) {
    }

    private final Map<String, Known> byBot = new ConcurrentHashMap<>();

    public BotCredentials(OperatorConfig config) {
        this.config = config;
    }

    /** A credential of the bot (one per bot, reused by its replicas). */
    public String of(String botUserName) throws IOException, InterruptedException {
        Known known = byBot.get(botUserName);
        if (known != null && Instant.now().isBefore(known.checkedAt().plus(RECHECK))) {
            return known.credential();
        }
        if (known != null && stillAccepted(known.credential())) {
            byBot.put(botUserName, new Known(known.credential(), Instant.now()));
            return known.credential();
        }
        String token = call("/token", null, Map.of("apiKey", config.operatorKey())).get("access_token").asText();
        String credential = call("/bots/" + botUserName + "/credentials", token, null).get("key").asText();
        byBot.put(botUserName, new Known(credential, Instant.now()));
        return credential;
    }

    /** Whether bot-service still takes the credential; an answer of any other kind counts as yes. */
    private boolean stillAccepted(String credential) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(post("/token", null, Map.of("apiKey", credential)),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() != 401;
    }

    private JsonNode call(String path, String token, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(post(path, token, body), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.mapper().readTree(response.body());
    }

    private HttpRequest post(String path, String token, Object body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.api() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }
}
