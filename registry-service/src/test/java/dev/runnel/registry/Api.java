package dev.runnel.registry;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import dev.runnel.testsupport.Identities;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * A developer with a project of its own, and the registry calls the tests make as that developer:
 * upload a codebase, push a package, read seed JSON.
 */
public final class Api {

    public final String project;
    final String token;

    private Api(String project, String token) {
        this.project = project;
        this.token = token;
    }

    /** A new user (from bot-service) who owns a new project; its token names the project. */
    public static Api newProject() {
        Identities.User user = Identities.user("dev");
        String project = Identities.project(user.token());
        return new Api(project, user.token());
    }

    /** The same project, as another caller. */
    Api as(String otherToken) {
        return new Api(project, otherToken);
    }

    RequestSpecification request() {
        return given().header("Authorization", "Bearer " + token);
    }

    /** Uploads a fresh codebase (unique bytes) to the project and returns its id. */
    String codebase(String... extraFiles) {
        String[] files = new String[extraFiles.length + 2];
        System.arraycopy(extraFiles, 0, files, 0, extraFiles.length);
        files[extraFiles.length] = "unique.txt";
        files[extraFiles.length + 1] = UUID.randomUUID().toString();
        return upload(Zips.codebase(files)).statusCode(201).extract().path("id");
    }

    ValidatableResponse upload(byte[] zip) {
        return request().contentType("application/zip").body(zip).post("/api/v1/codebases?projectId=" + project)
                .then();
    }

    static ObjectNode seed(String name) {
        try (InputStream in = Api.class.getResourceAsStream("/seed/" + name)) {
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed's package JSON, in this project, with a codebase. */
    ObjectNode seedPackage(String codebaseId) {
        ObjectNode pkg = seed("package.json");
        pkg.put("projectId", project);
        pkg.putObject("codebase").put("type", "blob").put("id", codebaseId);
        return pkg;
    }

    /** Pushes the seed package (under a name of our choosing) and returns its id. */
    public String pushPackage(String name) {
        ObjectNode pkg = seedPackage(codebase());
        pkg.put("name", name);
        return post("/packages", pkg).statusCode(201).extract().path("id");
    }

    public ValidatableResponse post(String path, Object body) {
        return request().contentType("application/json").body(body.toString()).post("/api/v1" + path).then();
    }

    ValidatableResponse postRaw(String path, String body) {
        return request().contentType("application/json").body(body).post("/api/v1" + path).then();
    }

    ValidatableResponse patch(String path, Object body) {
        return request().contentType("application/json").body(body.toString()).patch("/api/v1" + path).then();
    }

    ValidatableResponse get(String path) {
        return request().get("/api/v1" + path).then();
    }

    ValidatableResponse delete(String path) {
        return request().delete("/api/v1" + path).then();
    }

    public static ObjectMapper mapper() {
        return Json.mapper();
    }
}
