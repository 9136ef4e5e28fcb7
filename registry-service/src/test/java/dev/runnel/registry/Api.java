package dev.runnel.registry;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.Json;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

/** Small steps the registry tests repeat: upload a codebase, push a package, read seed JSON. */
final class Api {

    private Api() {
    }

    static String uniqueProject() {
        return "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** Uploads a fresh codebase (unique bytes) and returns its id. */
    static String codebase(String... extraFiles) {
        String[] files = new String[extraFiles.length + 2];
        System.arraycopy(extraFiles, 0, files, 0, extraFiles.length);
        files[extraFiles.length] = "unique.txt";
        files[extraFiles.length + 1] = UUID.randomUUID().toString();
        return given().contentType("application/zip").body(Zips.codebase(files)).post("/api/v1/codebases")
                .then().statusCode(201).extract().path("id");
    }

    static ObjectNode seed(String name) {
        try (InputStream in = Api.class.getResourceAsStream("/seed/" + name)) {
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed's package JSON, in a project, with a codebase. */
    static ObjectNode seedPackage(String projectId, String codebaseId) {
        ObjectNode pkg = seed("package.json");
        pkg.put("projectId", projectId);
        pkg.putObject("codebase").put("type", "blob").put("id", codebaseId);
        return pkg;
    }

    static ValidatableResponse post(String path, Object body) {
        return given().contentType("application/json").body(body.toString()).post("/api/v1" + path).then();
    }

    static ValidatableResponse patch(String path, Object body) {
        return given().contentType("application/json").body(body.toString()).patch("/api/v1" + path).then();
    }

    static ValidatableResponse postRaw(String path, String body) {
        return given().contentType("application/json").body(body).post("/api/v1" + path).then();
    }

    static ValidatableResponse delete(String path) {
        return given().delete("/api/v1" + path).then();
    }

    static ObjectMapper mapper() {
        return Json.mapper();
    }

    static ValidatableResponse get(String path) {
        return given().get("/api/v1" + path).then();
    }
}
