package dev.runnel.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runnel.contracts.Problem;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Forwards {@code /api/v1/...} to the owning service, streaming request and response bodies in
 * both directions (nothing is buffered whole), passing headers through, and answering 502 or 504 as
 * problem+json when the service cannot be reached or goes silent.
 */
@ApplicationScoped
public class Proxy {

    private static final Logger LOG = Logger.getLogger(Proxy.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A list query is small; anything bigger is refused before it is read whole. */
    private static final int MAX_QUERY_BYTES = 1 << 20;
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host");

    private final GatewayConfig config;
    private HttpClient client;

    public Proxy(GatewayConfig config) {
        this.config = config;
    }

    void routes(@Observes Router router, Vertx vertx) {
        client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(200));
        router.route("/api/v1/*").handler(this::forward);
    }

    void logRoutes(@Observes StartupEvent event) {
        config.services().forEach((owner, url) -> LOG.infof("gateway: %s-service at %s", owner, url));
    }

    private void forward(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (RouteTable.isQuery(request.path())) {
            routeQuery(ctx);
            return;
        }
        String owner = RouteTable.owner(request.path()).orElse(null);
        if (owner == null) {
            problem(ctx.response(), 404, "Not found", "no Runnel service owns " + request.path());
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.chars().allMatch(Character::isDigit) && !length.isEmpty()
                && (length.length() > 18 || Long.parseLong(length) > config.maxBodySize())) {
            problem(ctx.response(), 413, "Payload too large", "a request body is at most " + config.maxBodySize()
                    + " bytes here");
            ctx.response().close();
            return;
        }
        forward(ctx, owner, null);
    }

    /**
     * {@code POST /query/faas} goes to the owner of the {@code resource} its body names: the one
     * request whose small body the gateway reads before forwarding it.
     */
    private void routeQuery(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        request.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_QUERY_BYTES) {
                tooLarge[0] = true;
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> problem(ctx.response(), 400, "Bad request", "the query body could not be read"));
        request.endHandler(end -> {
            if (tooLarge[0]) {
                problem(ctx.response(), 413, "Payload too large", "a query is at most " + MAX_QUERY_BYTES + " bytes");
                return;
            }
            String resource;
            try {
                resource = MAPPER.readTree(body.getBytes()).path("resource").asText(null);
            } catch (java.io.IOException e) {
                problem(ctx.response(), 400, "Bad request", "the query is not JSON");
                return;
            }
            String owner = RouteTable.queryOwner(resource).orElse(null);
            if (owner == null) {
                problem(ctx.response(), 400, "Bad request", "resource must be one of "
                        + String.join(", ", new java.util.TreeSet<>(RouteTable.QUERY_RESOURCES.keySet())));
                return;
            }
            forward(ctx, owner, body);
        });
    }

    private void forward(RoutingContext ctx, String owner, Buffer body) {
        HttpServerRequest request = ctx.request();
        String base = config.services().get(owner);
        if (base == null || base.equals("none")) {
            problem(ctx.response(), 502, "Bad gateway", owner + "-service is not part of this deployment");
            return;
        }
        URI target = URI.create(base);
        if (body == null) {
            request.pause();
        }
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(target.getHost())
                .setPort(target.getPort() > 0 ? target.getPort() : 80)
                .setURI(request.uri())
                .setIdleTimeout(config.timeout().toMillis());
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                if (body == null) {
                    request.resume();
                }
                unreachable(ctx.response(), owner, opened.cause());
                return;
            }
            HttpClientRequest upstream = opened.result();
            copyHeaders(request.headers(), upstream.headers());
            upstream.putHeader("X-Forwarded-For", String.valueOf(request.remoteAddress()));
            if (request.authority() != null) {
                upstream.putHeader("X-Forwarded-Host", request.authority().toString());
                if (request.authority().port() > 0) {
                    upstream.putHeader("X-Forwarded-Port", String.valueOf(request.authority().port()));
                }
            }
            upstream.putHeader("X-Forwarded-Proto", request.scheme());
            if (body != null) {
                upstream.headers().remove(HttpHeaders.TRANSFER_ENCODING);
                upstream.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
            }
            (body == null ? upstream.send(request) : upstream.send(body)).onComplete(answered -> {
                if (answered.failed()) {
                    unreachable(ctx.response(), owner, answered.cause());
                    return;
                }
                relay(answered.result(), ctx.response());
            });
        });
    }

    private static void relay(HttpClientResponse upstream, HttpServerResponse response) {
        response.setStatusCode(upstream.statusCode());
        response.setStatusMessage(upstream.statusMessage());
        copyHeaders(upstream.headers(), response.headers());
        if (!upstream.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        upstream.pipeTo(response);
    }

    private static void copyHeaders(MultiMap from, MultiMap to) {
        from.forEach(header -> {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                to.add(header.getKey(), header.getValue());
            }
        });
    }

    private static void unreachable(HttpServerResponse response, String owner, Throwable cause) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        boolean timeout = cause instanceof TimeoutException
                || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("timeout");
        if (timeout) {
            problem(response, 504, "Gateway timeout", owner + "-service did not answer in time");
        } else {
            LOG.debugf("gateway: %s-service unreachable: %s", owner, cause.getMessage());
            problem(response, 502, "Bad gateway", owner + "-service is unreachable: " + cause.getMessage());
        }
    }

    private static void problem(HttpServerResponse response, int status, String title, String detail) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(json(Problem.of(status, title, detail, null, null)));
    }

    private static String json(Problem problem) {
        try {
            return MAPPER.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
