package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** The platform as a replica uses it: its bot's token, and the codebase to run. */
final class PlatformClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String api;
    private final String credential;

    PlatformClient(String api, String credential) {
        this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        this.credential = credential;
    }

    /** Why the bot may not act any more, as bot-service said it. */
    static final class BotRefused extends Exception {
        BotRefused(String message) {
            super(message);
        }
    }

    /** A fresh token of the service's bot. */
    String token() throws IOException, InterruptedException, BotRefused {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + "/token"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(Map.of("apiKey", credential))))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.mapper().readTree(response.body().isEmpty() ? "{}" : response.body());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new BotRefused(body.path("message").asText("the bot's credential was refused"));
        }
        if (response.statusCode() != 200) {
            throw new IOException("token: bot-service answered " + response.statusCode() + " " + response.body());
        }
        return body.get("access_token").asText();
    }

    /** Downloads and unpacks the codebase into {@code target}. */
    void fetchCodebase(String codebaseId, String token, Path target) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(api + "/codebases/" + codebaseId))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(5)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IOException("codebase " + codebaseId + ": registry answered " + response.statusCode());
        }
        Files.createDirectories(target);
        Path root = target.toRealPath();
        try (ZipInputStream zip = new ZipInputStream(response.body())) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                Path file = root.resolve(entry.getName()).normalize();
                if (!file.startsWith(root)) {
                    throw new IOException("codebase entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                } else {
                    Files.createDirectories(file.getParent());
                    Files.copy(zip, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
