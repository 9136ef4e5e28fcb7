package dev.runnel.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies a token once and reuses the result until the token expires: clients send the same
 * token for its whole life (minutes), so the RS256 check runs once per token instead of once per
 * request. Only tokens that passed every check are kept; a changed token is a different key.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class CachingTokenVerifier extends DefaultJWTCallerPrincipalFactory {

    private static final int MAX_ENTRIES = 10_000;

    private final ConcurrentHashMap<String, JWTCallerPrincipal> verified = new ConcurrentHashMap<>();

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
        JWTCallerPrincipal cached = verified.get(token);
        long now = System.currentTimeMillis() / 1000;
        if (cached != null) {
            if (cached.getExpirationTime() > now) {
                return cached;
            }
            verified.remove(token);
        }
        JWTCallerPrincipal principal = super.parse(token, context);
        if (verified.size() >= MAX_ENTRIES) {
            verified.entrySet().removeIf(e -> e.getValue().getExpirationTime() <= now);
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
        }
        verified.put(token, principal);
        return principal;
    }
}
