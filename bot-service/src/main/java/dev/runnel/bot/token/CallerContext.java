package dev.runnel.bot.token;

import dev.runnel.kit.error.Refusal;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;

/** The verified caller of the current request: every endpoint but token issuing and the JWKS asks for it. */
@RequestScoped
public class CallerContext {

    private final HttpServerRequest request;
    private final TokenService tokens;
    private Caller caller;

    public CallerContext(HttpServerRequest request, TokenService tokens) {
        this.request = request;
        this.tokens = tokens;
    }

    /** The caller, or 401 when the request carries no valid bearer token. */
    public Caller current() {
        if (caller == null) {
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw Refusal.notAuthenticated("a bearer token is required (POST /api/v1/token with an API key)");
            }
            caller = tokens.verify(header.substring(7).trim());
        }
        return caller;
    }
}
