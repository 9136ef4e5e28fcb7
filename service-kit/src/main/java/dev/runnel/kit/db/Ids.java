package dev.runnel.kit.db;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/** New object ids: 24 hex digits, the first 8 the creation second, so ids sort roughly by age. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String next() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        long seconds = Instant.now().getEpochSecond();
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        return HexFormat.of().formatHex(bytes);
    }
}
