package dev.runnel.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceSpecContractTest {

    private static JsonNode resource(String path) throws IOException {
        try (InputStream in = ServiceSpecContractTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return Json.mapper().readTree(in);
        }
    }

    private static JsonSchema schema() throws IOException {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(resource(ServiceSpec.SCHEMA));
    }

    @Test
    void goldenFileRoundTripsThroughTheRecordUnchanged() throws IOException {
        JsonNode golden = resource("golden/service-spec.v1.json");
        ServiceSpec spec = Json.mapper().treeToValue(golden, ServiceSpec.class);
        JsonNode written = Json.mapper().readTree(Json.mapper().writeValueAsString(spec));
        assertThat(written).isEqualTo(golden);
        assertThat(spec.runtime().autoscaler().maxReplicas()).isEqualTo(4);
        assertThat(spec.module().function("run")).isPresent();
    }

    @Test
    void goldenFileAndSerializedRecordMatchTheSchema() throws IOException {
        JsonNode golden = resource("golden/service-spec.v1.json");
        assertThat(schema().validate(golden)).isEmpty();
        ServiceSpec spec = Json.mapper().treeToValue(golden, ServiceSpec.class);
        assertThat(schema().validate(Json.mapper().valueToTree(spec))).isEmpty();
    }

    @Test
    void schemaRefusesASpecWithoutItsRuntimeOrWithABadOnReset() throws IOException {
        ObjectNode withoutRuntime = (ObjectNode) resource("golden/service-spec.v1.json");
        withoutRuntime.remove("runtime");
        Set<ValidationMessage> errors = schema().validate(withoutRuntime);
        assertThat(errors).anySatisfy(e -> assertThat(e.getMessage()).contains("runtime"));

        ObjectNode badReset = (ObjectNode) resource("golden/service-spec.v1.json");
        badReset.put("onReset", "explode");
        assertThat(schema().validate(badReset)).isNotEmpty();
    }

    @Test
    void unknownFieldsFromANewerProducerAreIgnored() throws IOException {
        ObjectNode newer = (ObjectNode) resource("golden/service-spec.v1.json");
        newer.put("someFutureField", 42);
        ServiceSpec spec = Json.mapper().treeToValue(newer, ServiceSpec.class);
        assertThat(spec.serviceId()).isEqualTo("65f0a1b2c3d4e5f60718293a");
    }

    @Test
    void topicNamesFollowThePrefixAndVersionRule() {
        assertThat(Topics.SERVICE_SPECS).isEqualTo("runnel.service-specs.v1");
        assertThat(Topics.work("abc")).isEqualTo("runnel.work.abc.v1");
    }
}
