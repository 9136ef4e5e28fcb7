package dev.runnel.kit.error;

/**
 * Why a request cannot be done, in the words of the domain: its input is invalid, what it names does
 * not exist, it conflicts with the state, the caller may not do it. A refusal carries no HTTP status:
 * {@code ProblemMapper} holds the one table from each kind to its status. {@code field} names the
 * offending field when there is one.
 */
public abstract sealed class Refusal extends RuntimeException {

    private final String field;
    private final String detail;

    private Refusal(String field, String detail) {
        super(field == null ? detail : field + ": " + detail);
        this.field = field;
        this.detail = detail;
    }

    public String field() {
        return field;
    }

    /** What is wrong, without the field's name (the message starts with it when there is one). */
    public String detail() {
        return detail;
    }

    /** The request's content breaks a rule (a field out of range, an unknown name, a bad filter). */
    public static final class Invalid extends Refusal {
        Invalid(String field, String detail) {
            super(field, detail);
        }
    }

    /** Who asks could not be told (no credential, or one that is wrong or expired). */
    public static final class NotAuthenticated extends Refusal {
        NotAuthenticated(String detail) {
            super(null, detail);
        }
    }

    /** Who asks is known, and may not do this. */
    public static final class NotPermitted extends Refusal {
        NotPermitted(String detail) {
            super(null, detail);
        }
    }

    /** What the request names does not exist, or is not the caller's to see. */
    public static final class NotFound extends Refusal {
        NotFound(String kind, String id) {
            super(null, kind + " " + id + " not found");
        }
    }

    /** The request conflicts with the current state (a name taken, a change raced by another). */
    public static final class Conflict extends Refusal {
        Conflict(String detail) {
            super(null, detail);
        }
    }

    /** The request's content is larger than allowed. */
    public static final class TooLarge extends Refusal {
        TooLarge(String detail) {
            super(null, detail);
        }
    }

    /** The request's content is of a type this call does not take. */
    public static final class UnsupportedType extends Refusal {
        UnsupportedType(String detail) {
            super(null, detail);
        }
    }

    /** The request would take its project past one of its limits; {@link #limit()} names it. */
    public static final class OverQuota extends Refusal {
        private final String limit;

        OverQuota(String limit, String detail) {
            super(null, detail);
            this.limit = limit;
        }

        /** The name of the limit, as configured ({@code services}, {@code gpu-replicas} ...). */
        public String limit() {
            return limit;
        }
    }

    /** Something the request needs is not available now; trying again later may work. */
    public static final class Unavailable extends Refusal {
        Unavailable(String detail) {
            super(null, detail);
        }
    }

    public static Refusal invalid(String field, String detail) {
        return new Invalid(field, detail);
    }

    public static Refusal notAuthenticated(String detail) {
        return new NotAuthenticated(detail);
    }

    public static Refusal notPermitted(String detail) {
        return new NotPermitted(detail);
    }

    public static Refusal notFound(String kind, String id) {
        return new NotFound(kind, id);
    }

    public static Refusal conflict(String detail) {
        return new Conflict(detail);
    }

    public static Refusal tooLarge(String detail) {
        return new TooLarge(detail);
    }

    public static Refusal unsupportedType(String detail) {
        return new UnsupportedType(detail);
    }

    /**
     * Over the limit named {@code limit}: {@code whose} ("project p1") has {@code used} of {@code what}
     * ("GPU replicas"), asks for {@code asked} more, and may have {@code max}.
     */
    public static Refusal overQuota(String limit, String whose, String what, long used, long asked, long max) {
        return new OverQuota(limit, whose + " would have " + (used + asked) + " " + what + ", over its limit of " + max
                + " (" + used + " now); an admin sets the limits");
    }

    public static Refusal unavailable(String detail) {
        return new Unavailable(detail);
    }

    /** The body of a request, which must be there. */
    public static <T> T requireBody(T body) {
        if (body == null) {
            throw invalid(null, "a JSON body is required");
        }
        return body;
    }
}
