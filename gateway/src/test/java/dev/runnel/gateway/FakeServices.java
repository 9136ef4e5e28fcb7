package dev.runnel.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server standing in for registry-service behind the gateway: it echoes requests,
 * hashes uploads as they stream in, and has a path that never answers. bot-service points at a
 * port where nothing listens.
 */
public class FakeServices implements QuarkusTestResourceLifecycleManager {

    /** Counted down when the first bytes of an upload reach the service. */
    static volatile CountDownLatch firstUploadBytes = new CountDownLatch(1);

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            String path = request.path();
            if (path.equals("/api/v1/services/slow")) {
                return; // never answers
            }
            if (path.equals("/api/v1/codebases")) {
                MessageDigest digest = sha256();
                long[] size = {0};
                request.handler(chunk -> {
                    firstUploadBytes.countDown();
                    digest.update(chunk.getBytes());
                    size[0] += chunk.length();
                });
                request.endHandler(v -> request.response().putHeader("content-type", "application/json")
                        .end(new JsonObject().put("size", size[0])
                                .put("sha256", HexFormat.of().formatHex(digest.digest())).encode()));
                return;
            }
            request.body().onSuccess(body -> request.response().setStatusCode(path.endsWith("/missing") ? 404 : 200)
                    .putHeader("content-type", "application/json").putHeader("X-Backend", "registry")
                    .end(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
                            .put("xTest", request.getHeader("X-Test"))
                            .put("authorization", request.getHeader("Authorization"))
                            .put("forwardedFor", request.getHeader("X-Forwarded-For"))
                            .put("body", body.toString()).encode()));
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "runnel.gateway.services.registry", "http://127.0.0.1:" + server.actualPort(),
                "runnel.gateway.services.bot", "http://127.0.0.1:" + closedPort(),
                "runnel.gateway.services.trigger", "none",
                "runnel.gateway.services.execution", "none",
                "runnel.gateway.timeout", "PT1S");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
