package dev.runnel.bot.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {

    private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
    private static final Duration LIFETIME = Duration.ofMinutes(15);

    private static KeyRing.Key<String> key(String kid, Instant activeFrom) {
        return new KeyRing.Key<>(kid, activeFrom, kid);
    }

    private static List<String> valid(KeyRing.Selection<String> selection) {
        return selection.valid().stream().map(KeyRing.Key::kid).toList();
    }

    @Test
    void aRotatedKeyIsPublishedBeforeItSigns() {
        var old = key("old", T0);
        var next = key("next", T0.plus(Duration.ofMinutes(2)));
        var atRotation = KeyRing.select(List.of(old, next), T0.plusSeconds(10), LIFETIME);
        assertThat(atRotation.signing().kid()).isEqualTo("old");
        assertThat(valid(atRotation)).containsExactly("next", "old");

        var afterActivation = KeyRing.select(List.of(old, next), T0.plus(Duration.ofMinutes(3)), LIFETIME);
        assertThat(afterActivation.signing().kid()).isEqualTo("next");
        assertThat(valid(afterActivation)).containsExactly("next", "old");
    }

    @Test
    void anOldKeyVerifiesUntilItsLastTokensHaveExpired() {
        var old = key("old", T0);
        var next = key("next", T0.plus(Duration.ofMinutes(2)));
        Instant lastOldToken = T0.plus(Duration.ofMinutes(2));
        assertThat(valid(KeyRing.select(List.of(old, next), lastOldToken.plus(LIFETIME), LIFETIME)))
                .containsExactly("next", "old");
        assertThat(valid(KeyRing.select(List.of(old, next), lastOldToken.plus(LIFETIME).plusSeconds(61), LIFETIME)))
                .containsExactly("next");
    }

    @Test
    void threeGenerations() {
        var a = key("a", T0);
        var b = key("b", T0.plus(Duration.ofHours(1)));
        var c = key("c", T0.plus(Duration.ofHours(2)));
        var selection = KeyRing.select(List.of(a, b, c), T0.plus(Duration.ofHours(2)).plusSeconds(30), LIFETIME);
        assertThat(selection.signing().kid()).isEqualTo("c");
        assertThat(valid(selection)).containsExactly("c", "b");
    }

    @Test
    void theOnlyKeySignsEvenBeforeItsTime() {
        var only = key("only", T0.plusSeconds(5));
        assertThat(KeyRing.select(List.of(only), T0, LIFETIME).signing().kid()).isEqualTo("only");
    }
}
