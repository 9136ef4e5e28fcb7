package dev.runnel.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(FakeServices.class)
class ProxyTest {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void routesToTheOwnerWithPathQueryBodyAndHeaders() {
        given().header("X-Test", "kept").header("Authorization", "Bearer abc").contentType("application/json")
                .body("{\"a\":1}")
                .post("/api/v1/packages/p1?projectId=x&page=2")
                .then().statusCode(200).header("X-Backend", "registry")
                .body("method", equalTo("POST")).body("uri", equalTo("/api/v1/packages/p1?projectId=x&page=2"))
                .body("xTest", equalTo("kept")).body("authorization", equalTo("Bearer abc"))
                .body("body", equalTo("{\"a\":1}")).body("forwardedFor", containsString("127.0.0.1"));
        given().get("/api/v1/services/s1/missing").then().statusCode(404);
        given().patch("/api/v1/services/s1").then().statusCode(200).body("method", equalTo("PATCH"));
    }

    @Test
    void queryFaasGoesToTheOwnerOfTheResourceItNames() {
        String query = "{\"resource\":\"services\",\"filter\":{\"name\":\"x\"}}";
        given().header("Authorization", "Bearer abc").contentType("application/json").body(query)
                .post("/api/v1/query/faas").then().statusCode(200).header("X-Backend", "registry")
                .body("uri", equalTo("/api/v1/query/faas")).body("body", equalTo(query))
                .body("authorization", equalTo("Bearer abc"));
        given().contentType("application/json").body("{\"resource\":\"triggers\"}").post("/api/v1/query/faas")
                .then().statusCode(502).body("message", containsString("trigger-service is not part"));
        given().contentType("application/json").body("{\"resource\":\"widgets\"}").post("/api/v1/query/faas")
                .then().statusCode(400).contentType("application/problem+json")
                .body("message", containsString("executions, packages, services, triggers"));
        given().contentType("application/json").body("{not json").post("/api/v1/query/faas").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType("application/json").body("{\"resource\":\"services\",\"pad\":\"" + "x".repeat(2 << 20)
                + "\"}").post("/api/v1/query/faas").then().statusCode(413);
    }

    @Test
    void unknownPathsAnswer404Problem() {
        given().get("/api/v1/widgets").then().statusCode(404).contentType("application/problem+json")
                .body("message", containsString("/api/v1/widgets"));
    }

    @Test
    void aServiceThatIsDownAnswers502AndASilentOne504() {
        given().get("/api/v1/projects").then().statusCode(502).contentType("application/problem+json")
                .body("status", equalTo(502)).body("message", containsString("bot-service"));
        given().get("/api/v1/triggers").then().statusCode(502).contentType("application/problem+json")
                .body("message", containsString("trigger-service is not part of this deployment"));
        given().get("/api/v1/services/slow").then().statusCode(504).contentType("application/problem+json")
                .body("message", containsString("registry-service"));
    }

    @Test
    void largeUploadsStreamThroughWithoutBeingBufferedWhole() throws Exception {
        FakeServices.firstUploadBytes = new CountDownLatch(1);
        byte[] first = new byte[256 * 1024];
        byte[] rest = new byte[24 * 1024 * 1024];
        Random random = new Random(1);
        random.nextBytes(first);
        random.nextBytes(rest);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(first);
        digest.update(rest);

        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/codebases HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/zip\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            chunk(out, first);
            out.flush();
            // the service sees the first bytes while the client has not sent the rest: nothing waits for the whole body
            assertThat(FakeServices.firstUploadBytes.await(10, TimeUnit.SECONDS)).isTrue();
            for (int offset = 0; offset < rest.length; offset += 1024 * 1024) {
                chunk(out, java.util.Arrays.copyOfRange(rest, offset, Math.min(rest.length, offset + 1024 * 1024)));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            StringBuilder response = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null && !line.contains("sha256")) {
                response.append(line).append('\n');
            }
            assertThat(line).contains(HexFormat.of().formatHex(digest.digest()))
                    .contains("\"size\":" + (first.length + rest.length));
        }
    }

    private static void chunk(OutputStream out, byte[] data) throws Exception {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void requestsAreCountedByResourceNotByPath() {
        for (String id : List.of("p1", "p2", "p3")) { // ids, as execution and service ids are
            given().get("/api/v1/packages/" + id).then().statusCode(200);
            given().get("/api/v1/services/" + id + "/status").then().statusCode(200);
        }
        // every resource the route table knows has its pattern (answered 200, or 502 by an absent owner)
        for (String resource : RouteTable.resources()) {
            given().get("/api/v1/" + resource + "/id-of-" + resource);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("uri=\"/api/v1/packages/{path}\"").contains("uri=\"/api/v1/services/{path}\"")
                .doesNotContain("/api/v1/packages/p1").doesNotContain("/api/v1/services/p2/status")
                .doesNotContain("id-of-");
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    /** What the gateway takes, and answers beyond: the README's limits (the test sets the body's to 1 MiB). */
    @Test
    void oversizedRequestsAreRefusedAtTheGateway() {
        given().contentType("application/octet-stream").body(new byte[2 << 20]).post("/api/v1/packages/p1")
                .then().statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("at most 1048576 bytes"));
        given().contentType("application/octet-stream").body(new byte[1000]).post("/api/v1/packages/p1")
                .then().statusCode(200).header("X-Backend", "registry");
        given().get("/api/v1/services?name=" + "x".repeat(9000)).then().statusCode(414);
        given().header("X-Padding", "x".repeat(20_000)).get("/api/v1/services").then().statusCode(431);
    }
}
