package dev.runnel.bot.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The format of API keys, {@code rnl_<keyId>_<secret>}: the id finds the row, the secret (256
 * random bits) is checked against its SHA-256, the only thing stored.
 */
public final class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "rnl_";

    private ApiKeys() {
    }

    /** A key as handed out once, and what is stored of it. */
    public record NewKey(String id, String plain, String secretHash) {
    }

    /** The parts of a presented key. */
    public record Parsed(String id, String secret) {
    }

    public static NewKey generate(String id) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new NewKey(id, PREFIX + id + "_" + encoded, hash(encoded));
    }

    /** The key id and secret for a key given by a client (e.g. from a Secret), to store it. */
    public static Optional<Parsed> parse(String key) {
        if (key == null || !key.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int split = key.indexOf('_', PREFIX.length());
        if (split < 0 || split == key.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(key.substring(PREFIX.length(), split), key.substring(split + 1)));
    }

    /** How to make a key to configure (in a Kubernetes Secret, say), as the README and the chart's notes say. */
    public static final String RECIPE = "rnl_$(openssl rand -hex 12)_$(openssl rand -hex 32)";

    private static final java.util.regex.Pattern CONFIGURED_ID = java.util.regex.Pattern.compile("^[A-Za-z0-9]{8,64}$");

    /**
     * A key given in the configuration ({@code what} names the setting): in the format, with an id of
     * 8 to 64 letters and digits and a secret of at least 32 characters; otherwise the start fails
     * saying how to make one.
     */
    public static Parsed configured(String what, String key) {
        Parsed parsed = parse(key).filter(p -> CONFIGURED_ID.matcher(p.id()).matches() && p.secret().length() >= 32)
                .orElseThrow(() -> new IllegalStateException(what + " is not a Runnel API key: it must look like"
                        + " rnl_<id>_<secret>, with an id of 8 to 64 letters and digits and a secret of at least 32"
                        + " characters; make one with: echo " + RECIPE));
        return parsed;
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean matches(String secret, String storedHash) {
        return MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** A key for logs: its prefix and id, never the secret. */
    public static String redacted(String plain) {
        return parse(plain).map(p -> PREFIX + p.id() + "_…").orElse("(hidden)");
    }
}
