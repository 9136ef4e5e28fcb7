package dev.runnel.bot.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void aGeneratedKeyParsesAndMatchesOnlyItsOwnSecret() {
        ApiKeys.NewKey key = ApiKeys.generate("abc123");
        ApiKeys.Parsed parsed = ApiKeys.parse(key.plain()).orElseThrow();
        assertThat(parsed.id()).isEqualTo("abc123");
        assertThat(ApiKeys.matches(parsed.secret(), key.secretHash())).isTrue();
        assertThat(ApiKeys.matches(parsed.secret() + "x", key.secretHash())).isFalse();
        assertThat(ApiKeys.redacted(key.plain())).isEqualTo("rnl_abc123_…").doesNotContain(parsed.secret());
    }

    @Test
    void aConfiguredKeyMustBeAStrongRunnelKeyAndTheRefusalSaysHowToMakeOne() {
        String hex = "5e404a2f020a977d3bd5f63cdb0743c3bed6254fe1368537504713c172ca3611";
        assertThat(ApiKeys.configured("the admin key", "rnl_7e790d18807f3a3d8e1d654a_" + hex).id())
                .isEqualTo("7e790d18807f3a3d8e1d654a");
        for (String weak : new String[] {hex, "rnl_7e790d18807f3a3d8e1d654a_short", "rnl_ab_" + hex,
                "rnl_has-dash-in-id_" + hex}) {
            assertThatThrownBy(() -> ApiKeys.configured("the admin key", weak)).as(weak)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("the admin key")
                    .hasMessageContaining(ApiKeys.RECIPE);
        }
    }
}
