package dev.runnel.bot.key;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which keys sign and which verify, at a given time. Keys are published from the moment they are
 * created but sign only from {@code activeFrom}, so verifiers that cache the JWKS see a key before
 * any token uses it; a key stays valid until every token it signed has expired (its successor's
 * activation plus the token lifetime).
 */
final class KeyRing {

    /** A key and when it starts signing. */
    record Key<K>(String kid, Instant activeFrom, K key) {
    }

    /** The signing key and every key a valid token may name. */
    record Selection<K>(Key<K> signing, List<Key<K>> valid) {
    }

    private KeyRing() {
    }

    static <K> Selection<K> select(List<Key<K>> keys, Instant now, Duration tokenLifetime) {
        if (keys.isEmpty()) {
            throw new IllegalStateException("no signing key");
        }
        List<Key<K>> newestFirst = new ArrayList<>(keys);
        newestFirst.sort(Comparator.comparing((Key<K> k) -> k.activeFrom()).reversed());
        Key<K> signing = newestFirst.stream().filter(k -> !k.activeFrom().isAfter(now)).findFirst()
                .orElse(newestFirst.get(newestFirst.size() - 1));
        List<Key<K>> valid = new ArrayList<>();
        Instant successorActiveFrom = null;
        for (Key<K> key : newestFirst) {
            boolean pendingOrSigning = !key.activeFrom().isBefore(signing.activeFrom());
            boolean stillVerifies = successorActiveFrom != null
                    && successorActiveFrom.plus(tokenLifetime).plusSeconds(60).isAfter(now);
            if (pendingOrSigning || stillVerifies) {
                valid.add(key);
            }
            if (!key.activeFrom().isAfter(now)) {
                successorActiveFrom = key.activeFrom();
            }
        }
        return new Selection<>(signing, List.copyOf(valid));
    }
}
