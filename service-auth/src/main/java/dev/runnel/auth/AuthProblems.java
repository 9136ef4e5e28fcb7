package dev.runnel.auth;

import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.web.ProblemMapper;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Authentication failures of Quarkus security, as 401 problems like every other error. */
public class AuthProblems {

    @ServerExceptionMapper({AuthenticationFailedException.class, AuthenticationCompletionException.class,
            UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        return ProblemMapper.answer(Refusal.notAuthenticated(
                "the bearer token is missing, malformed, expired or not signed by Runnel"), uri);
    }
}
