package dev.runnel.kit.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.runnel.contracts.Problem;
import dev.runnel.kit.error.Refusal;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one table from failures to HTTP statuses; every error leaves as problem+json, never a stack trace. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** An HTTP status and its problem title. */
    public record Status(int code, String title) {
    }

    /** Each kind of refusal and the status it answers. */
    static final Map<Class<? extends Refusal>, Status> STATUSES = Map.of(
            Refusal.Invalid.class, new Status(400, "Invalid request"),
            Refusal.NotAuthenticated.class, new Status(401, "Unauthorized"),
            Refusal.NotPermitted.class, new Status(403, "Forbidden"),
            Refusal.NotFound.class, new Status(404, "Not found"),
            Refusal.Conflict.class, new Status(409, "Conflict"),
            Refusal.TooLarge.class, new Status(413, "Payload too large"),
            Refusal.UnsupportedType.class, new Status(415, "Unsupported media type"),
            Refusal.OverQuota.class, new Status(429, "Over quota"),
            Refusal.Unavailable.class, new Status(503, "Service unavailable"));

    /** The status a refusal answers. */
    public static Status statusOf(Refusal refusal) {
        return STATUSES.get(refusal.getClass());
    }

    @ServerExceptionMapper
    public Response refusal(Refusal e, UriInfo uri) {
        return answer(e, uri);
    }

    /** The answer to a refusal, for filters that answer without throwing. */
    public static Response answer(Refusal e, UriInfo uri) {
        Status status = statusOf(e);
        return problem(status.code(), status.title(), e.getMessage(), e.field(),
                e instanceof Refusal.OverQuota over ? over.limit() : null, uri);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return answer(invalid(e), uri);
    }

    /**
     * The refusal of a body that Jackson could not read: the field it names (the path of a mapping
     * error, as {@code spec.actions[0]}) and what was wrong, without Java class names.
     */
    public static Refusal invalid(JsonProcessingException e) {
        String field = null;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        return field == null
                ? Refusal.invalid(null, "malformed JSON: " + e.getOriginalMessage())
                : Refusal.invalid(field, e.getOriginalMessage().replaceAll("\\(class [^)]*\\)|`[a-z]+\\.[\\w.$]+`", "")
                        .replaceAll("\\s+", " ").trim());
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
        return problem(status, title, e.getMessage() == null ? title : e.getMessage(), null, null, uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        LOG.errorf(e, "unexpected failure on %s", uri.getPath());
        return problem(500, "Internal error", "the request failed unexpectedly; see the service log", null, null, uri);
    }

    private static Response problem(int status, String title, String detail, String field, String limit,
                                    UriInfo uri) {
        Response.ResponseBuilder builder = Response.status(status);
        if (status == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"runnel\"");
        }
        return builder.type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, title, detail, field, uri == null ? null : uri.getPath(), limit)).build();
    }
}
