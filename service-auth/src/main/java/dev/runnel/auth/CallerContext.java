package dev.runnel.auth;

import dev.runnel.kit.error.Refusal;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The one place that says who calls: the subject of the bearer token, which smallrye-jwt verified
 * against bot-service's cached JWKS (RS256 only; issuer, audience and expiry checked).
 */
@RequestScoped
public class CallerContext {

    private final SecurityIdentity identity;
    private final AuthConfig auth;
    private Caller caller;

    public CallerContext(SecurityIdentity identity, AuthConfig auth) {
        this.identity = identity;
        this.auth = auth;
    }

    /** The caller, or 401 when the request has no valid token. */
    public Caller current() {
        if (caller == null && !auth.enabled()) {
            caller = Caller.UNCHECKED;
        }
        if (caller == null) {
            if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                throw Refusal.notAuthenticated("a bearer token is required (POST /api/v1/token with an API key)");
            }
            Map<String, String> roles = new HashMap<>();
            Object projects = jwt.getClaim("projects");
            if (projects instanceof Map<?, ?> map) {
                map.forEach((k, v) -> roles.put(String.valueOf(k), unquote(String.valueOf(v))));
            }
            Object admin = jwt.getClaim("admin");
            caller = new Caller(jwt.getSubject(), jwt.getClaim("preferred_username"), unquote(String.valueOf(
                    (Object) jwt.getClaim("kind"))), admin != null && "true".equals(String.valueOf(admin)),
                    Map.copyOf(roles), jwt.getRawToken());
        }
        return caller;
    }

    /** JSON-P string values print with their quotes. */
    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
