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
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The bot credential each service's replicas run with: only the operator may have bot-service issue
 * one, for one service (its binding, ADR 14). It is issued once per binding and kept with the
 * replicas (the service's Secret, or its folder for local replicas), so that another operator, or
 * the same one after a restart, takes it up instead of issuing another. A credential is checked
 * again (exchanged) when it was last checked longer ago than {@link #RECHECK}; one that bot-service
 * refuses (revoked: the bot was removed or demoted) or that is another bot's (the service now runs as
 * another bot) is replaced, and issuing the new one revokes the old. A deleted service's binding is
 * ended, which revokes its credential.
 */
@ApplicationScoped
public class BotCredentials {

    static final Duration RECHECK = Duration.ofSeconds(30);

    private record Known(String bot, String credential, Instant checkedAt) {
    }

    private final OperatorConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Known> byService = new ConcurrentHashMap<>();

    public BotCredentials(OperatorConfig config) {
        this.config = config;
    }

    /**
     * The credential of {@code bot} for the replicas of {@code serviceId}; {@code stored} is the one
     * kept with its replicas, if any.
     */
    public String of(String serviceId, String bot, Supplier<Optional<String>> stored)
            throws IOException, InterruptedException {
        Known known = byService.get(serviceId);
        if (known != null && known.bot().equals(bot) && Instant.now().isBefore(known.checkedAt().plus(RECHECK))) {
            return known.credential();
        }
        String candidate = known != null ? known.credential() : stored.get().orElse(null);
        if (candidate != null && (known == null || known.bot().equals(bot)) && stillOf(candidate, bot)) {
            byService.put(serviceId, new Known(bot, candidate, Instant.now()));
            return candidate;
        }
        String credential = call("/bots/" + bot + "/credentials", operatorToken(), Map.of("binding", serviceId))
                .get("key").asText();
        byService.put(serviceId, new Known(bot, credential, Instant.now()));
        return credential;
    }

    /** The service was deleted: its binding ends, and with it its credential. */
    public void end(String serviceId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/bindings/" + serviceId, operatorToken(), null)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("/bindings/" + serviceId + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        byService.remove(serviceId);
    }

    /**
     * Whether bot-service still takes the credential as {@code bot}'s: false when it is refused as
     * unknown or revoked, or is another bot's; an answer of any other kind (a demoted bot, bot-service
     * away) counts as yes, and the replicas say what is wrong.
     */
    private boolean stillOf(String credential, String bot) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/token", null, Map.of("apiKey", credential)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401) {
            return false;
        }
        if (response.statusCode() != 200) {
            return true;
        }
        // whose it is, as bot-service says (a token is bot-service's to read, not ours)
        String token = Json.mapper().readTree(response.body()).path("access_token").asText();
        HttpResponse<String> answer = http.send(request("/users/me", token, null).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            return true;
        }
        JsonNode me = Json.mapper().readTree(answer.body());
        return bot.equals(me.path("username").asText()) || bot.equals(me.path("id").asText());
    }

    private String operatorToken() throws IOException, InterruptedException {
        return call("/token", null, Map.of("apiKey", config.operatorKey())).get("access_token").asText();
    }

    private JsonNode call(String path, String token, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path, token, body).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.mapper().readTree(response.body());
    }

    private HttpRequest.Builder request(String path, String token, Object body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.api() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }
}
