package dev.runnel.kit.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one table from failures to HTTP statuses; every error leaves as problem+json, never a stack trace. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        return problem(e.status(), e.title(), e.getMessage(), e.field(), uri);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        String field = null;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        String detail = field == null
                ? "malformed JSON: " + e.getOriginalMessage()
                : field + ": " + e.getOriginalMessage().replaceAll("\\(class [^)]*\\)|`[a-z]+\\.[\\w.$]+`", "")
                        .replaceAll("\\s+", " ").trim();
        return problem(400, "Invalid request", detail, field, uri);
    }

    /** Quarkus maps this subtype itself; this keeps the answer problem+json. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return json(json, uri);
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        return problem(status, title, e.getMessage() == null ? title : e.getMessage(), null, uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        LOG.errorf(e, "unexpected failure on %s", uri.getPath());
        return problem(500, "Internal error", "the request failed unexpectedly; see the service log", null, uri);
    }

    public static Response problem(int status, String title, String detail, String field, UriInfo uri) {
        Response.ResponseBuilder builder = Response.status(status);
        if (status == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"runnel\"");
        }
        return builder.type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, title, detail, field, uri == null ? null : uri.getPath())).build();
    }
}
