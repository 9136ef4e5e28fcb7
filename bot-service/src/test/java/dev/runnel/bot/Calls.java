package dev.runnel.bot;

import static io.restassured.RestAssured.given;

import dev.runnel.contracts.Json;
import dev.runnel.testsupport.RunnelInfrastructure;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** Steps the bot-service tests repeat: keys, tokens, users and projects. */
final class Calls {

    private Calls() {
    }

    static String fileKey(String name) {
        try {
            return Files.readString(RunnelInfrastructure.home().resolve(name)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ValidatableResponse exchange(String apiKey) {
        return given().contentType("application/json").body(Map.of("apiKey", apiKey)).post("/api/v1/token").then();
    }

    static String token(String apiKey) {
        return exchange(apiKey).statusCode(200).extract().path("access_token");
    }

    static String adminToken() {
        return token(fileKey("admin.key"));
    }

    /** The claims of a token, as its payload says them. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> claims(String token) {
        try {
            return Json.mapper().readValue(Base64.getUrlDecoder().decode(token.split("\\.")[1]), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json");
    }

    /** A new user (made by the admin) and its API key. */
    record NewUser(String id, String username, String apiKey) {
        String token() {
            return Calls.token(apiKey);
        }
    }

    static NewUser user(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        var body = as(adminToken()).body(Map.of("username", name, "email", name + "@example.org"))
                .post("/api/v1/users").then().statusCode(201).extract();
        return new NewUser(body.path("user.id"), name, body.path("apiKey"));
    }

    static String project(String token) {
        return as(token).body(Map.of("name", "project")).post("/api/v1/projects").then().statusCode(201)
                .extract().path("id");
    }

    static void addMember(String ownerToken, String project, String user, String role) {
        as(ownerToken).body(Map.of("userId", user, "role", role)).post("/api/v1/projects/" + project + "/members")
                .then().statusCode(201);
    }
}
