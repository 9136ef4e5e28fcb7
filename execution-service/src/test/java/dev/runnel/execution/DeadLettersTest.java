package dev.runnel.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;

import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.Eventually;
import dev.runnel.testsupport.Identities;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The admin's dead letters: every letter a consumer of the platform wrote is kept and can be listed,
 * shown with its record, and redriven (an order to the consumer that gave it up, which reads the record
 * again from its topic); a redrive is counted, and a batch redrive sends only letters never sent back.
 * Nobody but the admin sees or redrives them.
 */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class DeadLettersTest {

    private static final String PATH = "/api/v1/dead-letters";

    @Test
    void theAdminListsShowsAndRedrivesDeadLetters() throws Exception {
        String topic = "runnel.test-" + UUID.randomUUID();
        String key = "dead-" + UUID.randomUUID();
        letter(key, "execution-service-status", topic, 3, 4711, "{\"executionId\": \"e-1\"}", "the database refuses it");
        letter(key, "execution-service-status", topic, 3, 4712, "{\"executionId\": \"e-2\"}", "the database refuses it");
        letter(key, null, Topics.SERVICE_STATUS, 0, 12, "{}", "a SmallRye channel's letter");

        String token = Identities.adminToken();
        List<Map<String, Object>> mine = Eventually.value(Duration.ofSeconds(30), Duration.ofMillis(200),
                "the letters kept", () -> as(token).get(PATH + "?pageSize=1000").then().statusCode(200)
                        .extract().jsonPath().<Map<String, Object>>getList("items").stream()
                        .filter(l -> key.equals(l.get("key"))).toList(), found -> found.size() == 3);
        assertThat(mine).extracting(l -> l.get("offset")).as("newest first").containsExactly(12, 4712, 4711);
        Map<String, Object> status = mine.get(2);
        assertThat(status).containsEntry("consumer", "execution-service-status").containsEntry("partition", 3)
                .containsEntry("offset", 4711).containsEntry("reason", "the database refuses it")
                .containsEntry("redrives", 0).doesNotContainKey("value");
        String id = (String) status.get("id");

        JsonPath shown = as(token).get(PATH + "/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(shown.getString("value")).isEqualTo("{\"executionId\": \"e-1\"}");
        assertThat(as(token).get(PATH + "?topic=" + topic + "&consumer=execution-service-status")
                .then().statusCode(200).extract().jsonPath().getList("items.offset")).containsExactly(4712, 4711);

        JsonPath redriven = as(token).post(PATH + "/" + id + "/redrive").then().statusCode(200).extract().jsonPath();
        assertThat(redriven.getInt("redrives")).isEqualTo(1);
        assertThat(redriven.getString("redrivenAt")).isNotNull();
        List<TopicReader.Message> orders = TopicReader.await(Topics.DEAD_LETTER_REDRIVES, "execution-service-status",
                found -> found.stream().anyMatch(m -> m.value().contains("\"" + id + "\"")), Duration.ofSeconds(20));
        assertThat(orders).filteredOn(m -> m.value().contains("\"" + id + "\"")).singleElement().satisfies(order -> {
            JsonPath o = JsonPath.from(order.value());
            assertThat(o.getString("topic")).isEqualTo(topic);
            assertThat(o.getInt("partition")).isEqualTo(3);
            assertThat(o.getLong("offset")).isEqualTo(4711L);
        });

        String smallRye = (String) mine.get(0).get("id");
        as(token).post(PATH + "/" + smallRye + "/redrive").then().statusCode(409)
                .contentType("application/problem+json");
        as(token).post(PATH + "/nope-0/redrive").then().statusCode(404).contentType("application/problem+json");
        as(token).get(PATH + "/nope-0").then().statusCode(404);
        as(token).get(PATH + "?pageSize=0").then().statusCode(400).contentType("application/problem+json");

        // a batch redrive of the topic sends only the letters never sent back: the other one
        assertThat(as(token).contentType("application/json").body(Map.of("topic", topic))
                .post(PATH + "/redrive").then().statusCode(200).extract().jsonPath().getInt("redriven")).isEqualTo(1);
        assertThat(as(token).get(PATH + "?topic=" + topic).then().extract().jsonPath().getList("items.redrives"))
                .containsExactly(1, 1);
        assertThat(as(token).contentType("application/json").body(Map.of("topic", topic))
                .post(PATH + "/redrive").then().statusCode(200).extract().jsonPath().getInt("redriven")).isZero();
    }

    @Test
    void nobodyButTheAdminSeesOrRedrivesDeadLetters() {
        Platform.Developer dev = Platform.developer();
        for (String path : List.of(PATH, PATH + "/0-0")) {
            dev.request().get(path).then().statusCode(403).contentType("application/problem+json");
        }
        dev.request().post(PATH + "/0-0/redrive").then().statusCode(403);
        dev.request().contentType("application/json").body("{}").post(PATH + "/redrive").then().statusCode(403);
        given().get(PATH).then().statusCode(401);
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    /** A letter as a consumer writes it: the record's value, and where it was and why in the headers. */
    private static void letter(String key, String consumer, String topic, int partition, long offset, String value,
                               String reason) throws Exception {
        ProducerRecord<String, String> letter = new ProducerRecord<>(Topics.DEAD_LETTERS, key, value);
        header(letter, "dead-letter-topic", topic);
        header(letter, "dead-letter-partition", String.valueOf(partition));
        header(letter, "dead-letter-offset", String.valueOf(offset));
        header(letter, "dead-letter-reason", reason);
        header(letter, "dead-letter-cause", IllegalStateException.class.getName());
        if (consumer != null) {
            header(letter, "dead-letter-consumer", consumer);
        }
        Platform.producer().send(letter).get();
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
