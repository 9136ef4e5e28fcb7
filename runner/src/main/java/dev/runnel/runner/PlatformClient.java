package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The platform as a replica uses it: its bot's token, and the codebase to run. Plain
 * {@link HttpURLConnection}s (kept alive by the JDK): the {@code java.net.http} client builds a TLS
 * context even for an http URL, and loading it was a third of a replica's start.
 */
final class PlatformClient {

    private static final int CONNECT_TIMEOUT_MS = 10_000;

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
        HttpURLConnection connection = open(api + "/token", 20_000);
        connection.setRequestMethod("POST");
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setDoOutput(true);
        byte[] request = JsonTrees.write(JsonTrees.object().put("apiKey", credential)).getBytes(StandardCharsets.UTF_8);
        // not in streaming mode: in it, a 401 (a revoked credential) ends the exchange with no body to read,
        // and the body says why
        try (OutputStream out = connection.getOutputStream()) {
            out.write(request);
        }
        int status = connection.getResponseCode();
        String text = read(status < 400 ? connection.getInputStream() : connection.getErrorStream());
        JsonNode body = JsonTrees.read(text.isEmpty() ? "{}" : text);
        if (status == 401 || status == 403) {
            throw new BotRefused(body.path("message").asText("the bot's credential was refused"));
        }
        if (status != 200) {
            throw new IOException("token: bot-service answered " + status + " " + text);
        }
        return body.get("access_token").asText();
    }

    /** Downloads and unpacks the codebase into {@code target}. */
    void fetchCodebase(String codebaseId, String token, Path target) throws IOException, InterruptedException {
        HttpURLConnection connection = open(api + "/codebases/" + codebaseId, 300_000);
        connection.setRequestProperty("Authorization", "Bearer " + token);
        int status = connection.getResponseCode();
        if (status != 200) {
            read(connection.getErrorStream());
            throw new IOException("codebase " + codebaseId + ": registry answered " + status);
        }
        CodebaseUnpacker.unpack(connection.getInputStream(), target,
                CodebaseUnpacker.Limits.fromEnvironment(System.getenv()));
    }

    private static HttpURLConnection open(String url, int readTimeoutMs) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
        connection.setReadTimeout(readTimeoutMs);
        return connection;
    }

    /** The whole body, read to its end so that the connection can serve the next request. */
    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
