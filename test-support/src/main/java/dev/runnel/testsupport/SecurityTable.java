package dev.runnel.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.ToIntBiFunction;

/**
 * The table-driven security test every service runs: every endpoint called by every kind of caller,
 * each answer compared with the status it must be. Callers are tokens by name (null: no token).
 */
public final class SecurityTable<E> {

    /** What an endpoint call answered. */
    public record Answer(int status, String contentType, String body) {
    }

    private final Map<String, String> callers = new LinkedHashMap<>();

    /** Adds a caller; its token may be null (no Authorization header). */
    public SecurityTable<E> caller(String name, String token) {
        callers.put(name, token);
        return this;
    }

    /** The tokens every table has that no service may accept: none, expired, tampered, unsigned, HMAC. */
    public SecurityTable<E> badTokens(String validToken, String subject, Map<String, String> projects) {
        caller("no token", null);
        caller("expired token", TestTokens.mint(subject, "user", projects, java.time.Instant.now().minusSeconds(120)));
        caller("tampered token", TestTokens.tamper(validToken));
        caller("alg none", TestTokens.unsigned(validToken));
        caller("HMAC with the public key", TestTokens.hmacWithPublicKey(validToken));
        return this;
    }

    public static boolean isBadToken(String caller) {
        return switch (caller) {
            case "no token", "expired token", "tampered token", "alg none", "HMAC with the public key" -> true;
            default -> false;
        };
    }

    /**
     * Calls every endpoint as every caller and returns what differed from {@code expected}; an
     * error answer must also be problem+json.
     */
    public List<String> run(List<E> endpoints, java.util.function.Function<E, String> name,
                            BiFunction<E, String, Answer> call, ToIntBiFunction<E, String> expected) {
        List<String> wrong = new ArrayList<>();
        for (E endpoint : endpoints) {
            for (Map.Entry<String, String> caller : callers.entrySet()) {
                int want = expected.applyAsInt(endpoint, caller.getKey());
                Answer answer = call.apply(endpoint, caller.getValue());
                if (answer.status() != want) {
                    wrong.add(name.apply(endpoint) + " as " + caller.getKey() + ": " + answer.status() + " (expected "
                            + want + ") " + answer.body());
                } else if (want >= 400 && !String.valueOf(answer.contentType()).startsWith("application/problem+json")) {
                    wrong.add(name.apply(endpoint) + " as " + caller.getKey() + ": not problem+json");
                }
            }
        }
        return wrong;
    }
}
