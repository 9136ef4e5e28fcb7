package dev.runnel.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;

/** Real identities from the bot-service of {@link RunnelPlatform}: users, projects, members, bots, tokens. */
public final class Identities {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Identities() {
    }

    /** A user and its API key. */
    public record User(String id, String username, String apiKey) {
        public String token() {
            return Identities.token(apiKey);
        }
    }

    public static String token(String apiKey) {
        return call("POST", "/token", null, Map.of("apiKey", apiKey), 200).get("access_token").asText();
    }

    public static String adminToken() {
        try {
            return token(Files.readString(RunnelInfrastructure.home().resolve("admin.key")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String operatorToken() {
        try {
            return token(Files.readString(RunnelInfrastructure.home().resolve("operator.key")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static User user(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode created = call("POST", "/users", adminToken(), Map.of("username", name), 201);
        return new User(created.get("user").get("id").asText(), name, created.get("apiKey").asText());
    }

    /** A new project owned by the user of {@code ownerToken}. */
    public static String project(String ownerToken) {
        return call("POST", "/projects", ownerToken, Map.of("name", "test project"), 201).get("id").asText();
    }

    public static void addMember(String ownerToken, String projectId, String userId, String role) {
        call("POST", "/projects/" + projectId + "/members", ownerToken, Map.of("userId", userId, "role", role), 201);
    }

    /** A token of the project's default bot, as a replica would get one. */
    public static String defaultBotToken(String developerToken, String projectId) {
        String botId = call("PUT", "/projects/" + projectId + "/bots/default", developerToken, null, 200)
                .get("id").asText();
        String credential = call("POST", "/bots/" + botId + "/credentials", operatorToken(), null, 201)
                .get("key").asText();
        return token(credential);
    }

    /** Calls bot-service and returns the JSON answer, failing unless the status is {@code expected}. */
    public static JsonNode call(String method, String path, String token, Object body, int expected) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RunnelPlatform.botServiceUrl() + "/api/v1"
                    + path)).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
