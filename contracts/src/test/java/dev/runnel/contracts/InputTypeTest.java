package dev.runnel.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class InputTypeTest {

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    @Test
    void knowsTheSeedTypesAndArrays() {
        assertThat(InputType.of("Item")).contains(InputType.ITEM);
        assertThat(InputType.of("Item[]")).contains(InputType.ITEM);
        assertThat(InputType.of("Json")).contains(InputType.JSON);
        assertThat(InputType.of("item")).isEmpty();
        assertThat(InputType.of("Widget")).isEmpty();
    }

    @Test
    void checksScalarsStrictly() throws Exception {
        assertThat(InputType.check("String", json("\"a\""))).isEmpty();
        assertThat(InputType.check("String", json("3"))).contains("a string");
        assertThat(InputType.check("Integer", json("3"))).isEmpty();
        assertThat(InputType.check("Integer", json("3.5"))).contains("an integer");
        assertThat(InputType.check("Float", json("3.5"))).isEmpty();
        assertThat(InputType.check("Boolean", json("\"true\""))).contains("a boolean");
        assertThat(InputType.check("Json", json("{\"any\": [1]}"))).isEmpty();
    }

    @Test
    void entitiesArePassedById() throws Exception {
        assertThat(InputType.check("Item", json("\"65f0\""))).isEmpty();
        assertThat(InputType.check("Item", json("{\"item_id\": \"65f0\"}"))).isEmpty();
        assertThat(InputType.check("Dataset", json("{\"id\": \"65f0\"}"))).isEmpty();
        assertThat(InputType.check("Item", json("{\"name\": \"x\"}"))).isPresent();
        assertThat(InputType.check("Item[]", json("[\"a\", {\"item_id\": \"b\"}]"))).isEmpty();
        assertThat(InputType.check("Item[]", json("[\"a\", 3]"))).get().asString().contains("element");
        assertThat(InputType.check("Item[]", json("\"a\""))).contains("an array of Item");
    }
}
