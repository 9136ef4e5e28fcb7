package dev.runnel.kit.web;

/**
 * A request that cannot be served, with the HTTP status it maps to; {@link ProblemMapper} writes
 * it as RFC 9457 problem details. {@code field} names the offending field when there is one.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;

    protected ApiException(int status, String title, String field, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static ApiException invalid(String field, String detail) {
        return new ApiException(400, "Invalid request", field, field == null ? detail : field + ": " + detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "Unauthorized", null, detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "Forbidden", null, detail);
    }

    public static ApiException unavailable(String detail) {
        return new ApiException(503, "Service unavailable", null, detail);
    }

    public static ApiException notFound(String kind, String id) {
        return new ApiException(404, "Not found", null, kind + " " + id + " not found");
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", null, detail);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "Payload too large", null, detail);
    }

    public static ApiException unsupportedMediaType(String detail) {
        return new ApiException(415, "Unsupported media type", null, detail);
    }

    /** The body of a request, which must be there. */
    public static <T> T requireBody(T body) {
        if (body == null) {
            throw invalid(null, "a JSON body is required");
        }
        return body;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }
}
