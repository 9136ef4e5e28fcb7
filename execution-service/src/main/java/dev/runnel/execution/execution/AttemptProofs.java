package dev.runnel.execution.execution;

import dev.runnel.kit.db.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof a status report carries that its sender was given the attempt's work: an HMAC of the
 * execution id and attempt under a secret only execution-service knows, sent in the work item and
 * echoed in every report (ADR 14). A producer that never read the attempt's work item cannot make
 * one, so it cannot end, fail or advance another service's executions. The secret lives in the
 * database, made by the first instance that starts, so every instance makes and checks the same
 * proofs and a restart keeps the ones in flight valid.
 */
@ApplicationScoped
public class AttemptProofs {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int PROOF_BYTES = 16;

    private final Db db;
    private volatile SecretKeySpec key;
    /** a Mac per thread, made with the key once: two proofs per attempt are on the hot path */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key());
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    public AttemptProofs(Db db) {
        this.db = db;
    }

    void load(@Observes StartupEvent event) {
        key();
    }

    /** The proof of attempt {@code attempt} of an execution. */
    public String of(String executionId, int attempt) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(executionId, attempt));
    }

    /** Whether {@code proof} is the proof of that attempt (in constant time). */
    public boolean verifies(String executionId, int attempt, String proof) {
        if (executionId == null || proof == null) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(proof);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        return MessageDigest.isEqual(mac(executionId, attempt), given);
    }

    private byte[] mac(String executionId, int attempt) {
        byte[] full = macs.get().doFinal((executionId + "\n" + attempt).getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(full, PROOF_BYTES);
    }

    private SecretKeySpec key() {
        SecretKeySpec known = key;
        if (known == null) {
            synchronized (this) {
                if (key == null) {
                    key = new SecretKeySpec(loadOrMake(), ALGORITHM);
                }
                known = key;
            }
        }
        return known;
    }

    private byte[] loadOrMake() {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return QuarkusTransaction.requiringNew().call(() -> {
            db.update("INSERT INTO report_key (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", fresh);
            return db.one("SELECT secret FROM report_key WHERE id = 1", rs -> rs.getBytes(1)).orElseThrow();
        });
    }
}
