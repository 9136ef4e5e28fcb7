package dev.runnel.auth;

import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.web.ProblemMapper;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every REST endpoint of the registry needs a valid bearer token: this filter answers 401 before
 * any body is read when the token is missing or fails verification, so no endpoint can forget it.
 */
public class RequireToken {

    private static final Logger LOG = Logger.getLogger(RequireToken.class);

    private final CurrentIdentityAssociation identities;
    private final AuthConfig auth;

    public RequireToken(CurrentIdentityAssociation identities, AuthConfig auth) {
        this.identities = identities;
        this.auth = auth;
    }

    void warnIfOff(@Observes StartupEvent event) {
        if (!auth.enabled()) {
            LOG.warn("AUTHENTICATION IS OFF (runnel.auth.enabled=false): every caller may read and change"
                    + " everything. This is for benchmarks only.");
        }
    }

    @ServerRequestFilter
    public Uni<Response> requireToken(UriInfo uri) {
        if (!auth.enabled()) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                .map(identity -> identity.isAnonymous() ? unauthorized(uri, "a bearer token is required"
                        + " (POST /api/v1/token with an API key)") : null)
                .onFailure().recoverWithItem(failure -> unauthorized(uri,
                        "the bearer token is malformed, expired or not signed by Runnel"));
    }

    private static Response unauthorized(UriInfo uri, String detail) {
        return ProblemMapper.answer(Refusal.notAuthenticated(detail), uri);
    }
}
