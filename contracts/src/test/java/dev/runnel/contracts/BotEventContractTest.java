package dev.runnel.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BotEventContractTest {

    private static JsonNode resource(String path) throws IOException {
        try (InputStream in = BotEventContractTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return Json.mapper().readTree(in);
        }
    }

    private static JsonSchema schema() throws IOException {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(resource(BotEvent.SCHEMA));
    }

    @Test
    void goldenFileRoundTripsAndMatchesTheSchema() throws IOException {
        JsonNode golden = resource("golden/bot-event.v1.json");
        BotEvent event = Json.mapper().treeToValue(golden, BotEvent.class);
        assertThat(event.type()).isEqualTo(BotEvent.Type.BotDemoted);
        assertThat(Json.mapper().readTree(Json.mapper().writeValueAsString(event))).isEqualTo(golden);
        assertThat(schema().validate(golden)).isEmpty();
        assertThat(schema().validate(Json.mapper().valueToTree(event))).isEmpty();
    }

    @Test
    void schemaRefusesAnUnknownType() throws IOException {
        ObjectNode bad = (ObjectNode) resource("golden/bot-event.v1.json");
        bad.put("type", "BotPromoted");
        assertThat(schema().validate(bad)).isNotEmpty();
    }
}
