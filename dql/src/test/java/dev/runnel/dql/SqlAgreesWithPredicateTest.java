package dev.runnel.dql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.testsupport.PostgresCluster;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A property test: on generated documents and filters, the SQL translation selects exactly the
 * documents the in-memory predicate accepts, on a real PostgreSQL.
 */
class SqlAgreesWithPredicateTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FIELDS = {"a", "b", "dir", "meta.kind", "meta.size", "tags", "boxes.label"};
    private static final String[] WORDS = {"/input", "/input/x", "/train", "DOG", "cat", "video/mp4", "video/a/b",
        "image/png", "", "Zed", "äpfel", "2020-01-01T00:00:00Z", "2021-06-01T12:30:00.25+02:00", "1"};
    private static final String[] GLOBS = {"/input/*", "/input/**", "video/*", "**", "*", "*a*"};

    private static PostgresCluster postgres;
    private static Connection db;
    private static final List<JsonNode> DOCUMENTS = new ArrayList<>();

    @BeforeAll
    static void documents() throws Exception {
        postgres = PostgresCluster.start();
        db = postgres.connect();
        db.createStatement().execute("CREATE TABLE docs (id int PRIMARY KEY, doc jsonb NOT NULL)");
        Random random = new Random(42);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO docs VALUES (?, CAST(? AS jsonb))")) {
            for (int i = 0; i < 300; i++) {
                JsonNode doc = document(random);
                DOCUMENTS.add(doc);
                insert.setInt(1, i);
                insert.setString(2, JSON.writeValueAsString(doc));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        db.close();
        postgres.close();
    }

    @Test
    void sql_selects_what_the_predicate_accepts() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            JsonNode filterJson = filter(random, 0);
            Filter filter = Filter.compile(filterJson);
            Set<Integer> expected = new TreeSet<>();
            for (int d = 0; d < DOCUMENTS.size(); d++) {
                if (filter.test(DOCUMENTS.get(d))) {
                    expected.add(d);
                }
            }
            Sql sql = filter.toSql("doc");
            Set<Integer> selected = new TreeSet<>();
            try (PreparedStatement query = db.prepareStatement("SELECT id FROM docs WHERE " + sql.where())) {
                for (int p = 0; p < sql.parameters().size(); p++) {
                    query.setObject(p + 1, sql.parameters().get(p));
                }
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        selected.add(rs.getInt(1));
                    }
                }
            }
            assertThat(selected).as("filter %s", filterJson).isEqualTo(expected);
        }
    }

    private static JsonNode document(Random random) {
        ObjectNode doc = F.objectNode();
        if (random.nextInt(4) > 0) {
            doc.set("a", scalar(random));
        }
        if (random.nextBoolean()) {
            doc.set("b", scalar(random));
        }
        if (random.nextInt(4) > 0) {
            doc.put("dir", WORDS[random.nextInt(3)]);
        }
        if (random.nextBoolean()) {
            ObjectNode meta = doc.putObject("meta");
            if (random.nextBoolean()) {
                meta.set("kind", scalar(random));
            }
            if (random.nextBoolean()) {
                meta.put("size", random.nextInt(20) - 5);
            }
        }
        if (random.nextBoolean()) {
            ArrayNode tags = doc.putArray("tags");
            for (int i = random.nextInt(4); i > 0; i--) {
                tags.add(scalar(random));
            }
        }
        if (random.nextBoolean()) {
            ArrayNode boxes = doc.putArray("boxes");
            for (int i = random.nextInt(3); i > 0; i--) {
                boxes.addObject().set("label", scalar(random));
            }
        }
        return doc;
    }

    private static JsonNode scalar(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> F.numberNode(random.nextInt(10));
            case 1 -> F.numberNode(new BigDecimal(random.nextInt(40) / 4.0 + ""));
            case 2 -> F.booleanNode(random.nextBoolean());
            case 3 -> F.nullNode();
            default -> F.textNode(WORDS[random.nextInt(WORDS.length)]);
        };
    }

    private static JsonNode filter(Random random, int depth) {
        int kind = random.nextInt(depth >= 2 ? 6 : 9);
        if (kind >= 6) {
            ObjectNode filter = F.objectNode();
            ArrayNode parts = F.arrayNode();
            for (int i = random.nextInt(3) + 1; i > 0; i--) {
                parts.add(filter(random, depth + 1));
            }
            switch (kind) {
                case 6 -> filter.set("$and", parts);
                case 7 -> filter.set("$or", parts);
                default -> filter.set("$not", parts.get(0));
            }
            return filter;
        }
        ObjectNode filter = F.objectNode();
        String field = FIELDS[random.nextInt(FIELDS.length)];
        switch (kind) {
            case 0 -> filter.set(field, scalar(random));
            case 1 -> filter.put(field, GLOBS[random.nextInt(GLOBS.length)]);
            case 2 -> {
                String op = new String[] {"$gt", "$gte", "$lt", "$lte"}[random.nextInt(4)];
                JsonNode operand = random.nextBoolean() ? F.numberNode(random.nextInt(12) - 2)
                        : F.textNode(WORDS[random.nextInt(WORDS.length)]);
                filter.putObject(field).set(op, operand);
            }
            case 3 -> {
                ArrayNode values = filter.putObject(field).putArray(random.nextBoolean() ? "$in" : "$nin");
                for (int i = random.nextInt(3); i >= 0; i--) {
                    values.add(scalar(random));
                }
            }
            case 4 -> filter.putObject(field).put("$exists", random.nextBoolean());
            default -> {
                if (random.nextBoolean()) {
                    filter.putObject(field).put("$match", new String[] {"^/in", "DOG|cat", "[0-9]", "^$"}[random.nextInt(4)]);
                } else {
                    filter.putObject(field).set("$ne", scalar(random));
                }
            }
        }
        return filter;
    }
}
