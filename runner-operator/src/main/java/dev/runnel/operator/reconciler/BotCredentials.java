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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Credentials of services' bots for their replicas: only the operator may have bot-service issue them. */
@ApplicationScoped
public class BotCredentials {

    private final OperatorConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> byBot = new ConcurrentHashMap<>();

    public BotCredentials(OperatorConfig config) {
        this.config = config;
    }

    /** A credential of the bot (one per bot, reused by its replicas). */
    public String of(String botUserName) throws IOException, InterruptedException {
        String cached = byBot.get(botUserName);
        if (cached != null) {
            return cached;
        }
        String token = call("/token", null, Map.of("apiKey", operatorKey())).get("access_token").asText();
        String credential = call("/bots/" + botUserName + "/credentials", token, null).get("key").asText();
        byBot.put(botUserName, credential);
        return credential;
    }

    private String operatorKey() throws IOException {
        if (config.key().isPresent()) {
            return config.key().get();
        }
        return Files.readString(Path.of(config.home()).resolve("operator.key")).trim();
    }

    private JsonNode call(String path, String token, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.api() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.mapper().readTree(response.body());
    }
}
