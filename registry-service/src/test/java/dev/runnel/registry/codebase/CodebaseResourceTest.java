package dev.runnel.registry.codebase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.registry.fixture.Api;
import dev.runnel.registry.fixture.Zips;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class CodebaseResourceTest {

    static final String PROBLEM = "application/problem+json";

    static long storedCodebases() throws Exception {
        try (Connection c = RunnelInfrastructure.postgres().connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM registry.codebases")) {
            rs.next();
            return rs.getLong(1);
        }
    }


    @Test
    void roundTripIsByteIdenticalAndTheSameBytesAreStoredOnce() throws Exception {
        Api api = Api.newProject();
        byte[] zip = Zips.codebase("lib/helper.py", "X = " + System.nanoTime());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip));
        long before = storedCodebases();

        api.upload(zip).statusCode(201).body("type", equalTo("blob")).body("id", equalTo(sha))
                .body("sha256", equalTo(sha)).body("size", equalTo(zip.length));
        api.upload(zip).statusCode(200).body("id", equalTo(sha));
        api.request().multiPart("file", "code.zip", zip, "application/zip").multiPart("projectId", api.project)
                .post("/api/v1/codebases").then().statusCode(200).body("id", equalTo(sha));
        // the same bytes in another project: linked there, still stored once
        Api other = Api.newProject();
        other.upload(zip).statusCode(201);
        assertThat(storedCodebases()).isEqualTo(before + 1);

        byte[] downloaded = api.request().get("/api/v1/codebases/" + sha).then().statusCode(200)
                .contentType("application/zip").extract().asByteArray();
        assertThat(downloaded).isEqualTo(zip);
    }

    @Test
    void multipartUploadIsAccepted() {
        Api api = Api.newProject();
        byte[] zip = Zips.codebase("other.py", "Y = " + System.nanoTime());
        api.request().multiPart("file", "code.zip", zip, "application/zip")
                .post("/api/v1/codebases?projectId=" + api.project).then().statusCode(201).body("size", equalTo(zip.length));
        api.request().multiPart("other", "x").post("/api/v1/codebases?projectId=" + api.project)
                .then().statusCode(400).contentType(PROBLEM).body("field", equalTo("file"));
    }

    @Test
    void everyBadZipIsRefusedAndNothingIsStored() throws Exception {
        Api api = Api.newProject();
        long before = storedCodebases();
        byte[] good = Zips.codebase("data.txt", "z".repeat(2000) + System.nanoTime());

        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not a zip", "hello, I am plain text".getBytes(StandardCharsets.UTF_8));
        bad.put("empty", new byte[0]);
        bad.put("truncated", java.util.Arrays.copyOf(good, good.length / 2));
        byte[] corrupt = good.clone();
        corrupt[40] ^= 0x5a;
        bad.put("corrupt data", corrupt);
        bad.put("parent path", Zips.of(Map.of("../evil.py", "x".getBytes())));
        bad.put("nested parent path", Zips.of(Map.of("a/../../evil.py", "x".getBytes())));
        bad.put("absolute path", Zips.of(Map.of("/etc/cron.d/evil", "x".getBytes())));
        bad.put("windows absolute path", Zips.of(Map.of("C:\\evil.py", "x".getBytes())));
        bad.put("symlink", Zips.asSymlink(Zips.codebase("link", "/etc/passwd"), 1));
        bad.put("declared zip bomb", Zips.of(Map.of("zeros", new byte[11 * 1024 * 1024])));
        bad.put("lying zip bomb", Zips.lyingSize(Zips.of(Map.of("zeros", new byte[11 * 1024 * 1024])), 0, 10));
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("f" + i + ".py", new byte[0]);
        }
        bad.put("too many entries", Zips.of(many));

        for (Map.Entry<String, byte[]> zip : bad.entrySet()) {
            api.upload(zip.getValue()).log().ifValidationFails()
                    .statusCode(400).contentType(PROBLEM).body("field", equalTo("codebase"))
                    .body("message", containsString("codebase"));
        }
        byte[] random = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(random);
        api.upload(Zips.of(Map.of("big.bin", random))).statusCode(413).contentType(PROBLEM);

        assertThat(storedCodebases()).isEqualTo(before);
    }

    @Test
    void unixPermissionsWithoutAFileTypeCountAsAPlainFile() {
        byte[] zip = Zips.permissionsWithoutType(Zips.codebase("n.txt", "" + System.nanoTime()), 0);
        Api.newProject().upload(zip).statusCode(201);
    }

    @Test
    void unknownCodebaseAndWrongMediaTypeAnswerProblems() {
        Api api = Api.newProject();
        api.request().get("/api/v1/codebases/" + "0".repeat(64)).then().statusCode(404).contentType(PROBLEM)
                .body("status", equalTo(404)).body("title", equalTo("Not found"));
        api.request().contentType("text/plain").body("x").post("/api/v1/codebases").then().statusCode(415)
                .contentType(PROBLEM);
    }
}
