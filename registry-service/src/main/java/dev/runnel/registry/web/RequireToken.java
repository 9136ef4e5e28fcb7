package dev.runnel.registry.web;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every REST endpoint of the registry needs a valid bearer token: this filter answers 401 before
 * any body is read when the token is missing or fails verification, so no endpoint can forget it.
 */
public class RequireToken {

    private final CurrentIdentityAssociation identities;

    public RequireToken(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    @ServerRequestFilter
    public Uni<Response> requireToken(UriInfo uri) {
        return identities.getDeferredIdentity()
                .map(identity -> identity.isAnonymous() ? unauthorized(uri, "a bearer token is required"
                        + " (POST /api/v1/token with an API key)") : null)
                .onFailure().recoverWithItem(failure -> unauthorized(uri,
                        "the bearer token is malformed, expired or not signed by Runnel"));
    }

    private static Response unauthorized(UriInfo uri, String detail) {
        return ProblemMapper.problem(401, "Unauthorized", detail, null, uri);
    }
}
