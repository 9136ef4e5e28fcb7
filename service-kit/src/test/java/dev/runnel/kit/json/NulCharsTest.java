package dev.runnel.kit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What PostgreSQL cannot store: kept escaped on the way in from the bus, refused on the way in over HTTP. */
class NulCharsTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void aNulInAStringIsKeptAsItsSixCharacters() throws Exception {
        String json = PLAIN.writeValueAsString(Map.of("x", "a\0b"));
        assertThat(json).contains("\\u0000");
        String stored = NulChars.escapeJson(json);
        assertThat(PLAIN.readTree(stored).get("x").asText()).isEqualTo("a\\u0000b");
        assertThat(NulChars.escapeText("a\0b")).isEqualTo("a\\u0000b");
    }

    @Test
    void anEscapedBackslashBeforeU0000IsLeftAlone() throws Exception {
        String json = PLAIN.writeValueAsString(Map.of("x", "\\u0000 is how you write it"));
        assertThat(NulChars.escapeJson(json)).isEqualTo(json);
        assertThat(NulChars.escapeJson("{\"x\": \"\\u0000\"}")).isEqualTo("{\"x\": \"\\\\u0000\"}");
    }

    private static JsonNode read(String body) throws Exception {
        ObjectMapper guarded = new ObjectMapper();
        new NulRefusal().customize(guarded);
        return guarded.readTree(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBodyWithANulIsRefusedAsItIsRead() throws Exception {
        assertThatThrownBy(() -> read("{\"data\": {\"name\": \"x\\u0000y\"}}"))
                .isInstanceOf(JsonParseException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> read("{\"data\": \"x\u0000y\"}")).isInstanceOf(JsonParseException.class);
        assertThat(read("{\"data\": \"\\\\u0000 and \\u0041\"}").get("data").asText()).isEqualTo("\\u0000 and A");
    }
}
