package dev.runnel.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * RFC 9457 problem details, the body of every error answer (services and gateway alike), with
 * {@code message} beside {@code detail} for Dataloop clients. {@code field} names the offending field
 * of the request, and {@code limit} the quota a request would exceed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String message, String field,
                      String instance, String limit) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail, String field, String instance) {
        return of(status, title, detail, field, instance, null);
    }

    public static Problem of(int status, String title, String detail, String field, String instance, String limit) {
        return new Problem("about:blank", title, status, detail, detail, field, instance, limit);
    }
}
