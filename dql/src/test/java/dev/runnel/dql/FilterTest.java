package dev.runnel.dql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static boolean matches(String filter, String document) {
        return Filter.compile(json(filter)).test(json(document));
    }

    @Test
    void the_seed_examples() {
        // items uploaded to /input
        assertThat(matches("{'dir': '/input'}", "{'dir': '/input', 'name': 'a.jpg'}")).isTrue();
        assertThat(matches("{'dir': '/input'}", "{'dir': '/input/sub'}")).isFalse();
        // annotated video items
        String video = "{'annotated': true, 'metadata.system.mimetype': 'video/*'}";
        assertThat(matches(video, "{'annotated': true, 'metadata': {'system': {'mimetype': 'video/mp4'}}}")).isTrue();
        assertThat(matches(video, "{'annotated': true, 'metadata': {'system': {'mimetype': 'image/png'}}}")).isFalse();
        assertThat(matches(video, "{'annotated': false, 'metadata': {'system': {'mimetype': 'video/mp4'}}}")).isFalse();
        assertThat(matches(video, "{'annotated': true}")).isFalse();
        // box annotations, label DOG
        assertThat(matches("{'type': 'box'}", "{'type': 'box', 'label': 'cat'}")).isTrue();
        assertThat(matches("{'label': 'DOG'}", "{'type': 'box', 'label': 'dog'}")).isFalse();
        // the service JSON's trigger filter
        String train = "{'$and': [{'dir': '/train'}, {'hidden': false}, {'type': 'file'}]}";
        assertThat(matches(train, "{'dir': '/train', 'hidden': false, 'type': 'file'}")).isTrue();
        assertThat(matches(train, "{'dir': '/train', 'hidden': true, 'type': 'file'}")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'size': {'$gt': 10}}                 | {'size': 11}                    | true",
        "{'size': {'$gt': 10}}                 | {'size': 10}                    | false",
        "{'size': {'$gte': 10}}                | {'size': 10.0}                  | true",
        "{'size': {'$lt': 10}}                 | {'size': '9'}                   | false",
        "{'size': {'$eq': 10}}                 | {'size': 10.0}                  | true",
        "{'size': {'$ne': 10}}                 | {}                              | true",
        "{'name': {'$lt': 'b'}}                | {'name': 'a'}                   | true",
        "{'at': {'$gt': '2020-01-01T00:00:00Z'}} | {'at': '2020-01-01T01:00:00+02:00'} | false",
        "{'at': {'$gt': '2020-01-01T00:00:00Z'}} | {'at': '2020-01-01T00:00:00.5Z'}    | true",
        "{'at': {'$gt': '2020-01-01T00:00:00Z'}} | {'at': 'tomorrow'}              | false",
        "{'label': {'$in': ['DOG', 'CAT']}}    | {'label': 'CAT'}                | true",
        "{'label': {'$nin': ['DOG', 'CAT']}}   | {'label': 'CAT'}                | false",
        "{'label': {'$in': []}}                | {'label': 'CAT'}                | false",
        "{'tags': 'red'}                       | {'tags': ['blue', 'red']}       | true",
        "{'tags': {'$ne': 'red'}}              | {'tags': ['blue', 'red']}       | false",
        "{'boxes.label': 'DOG'}                | {'boxes': [{'label': 'CAT'}, {'label': 'DOG'}]} | true",
        "{'a': null}                           | {}                              | true",
        "{'a': null}                           | {'a': null}                     | true",
        "{'a': null}                           | {'a': 0}                        | false",
        "{'a': {'$exists': true}}              | {'a': null}                     | true",
        "{'a': {'$exists': false}}             | {'b': 1}                        | true",
        "{'name': {'$match': '^IMG_[0-9]+'}}   | {'name': 'IMG_12.jpg'}          | true",
        "{'name': {'$match': '^IMG_[0-9]+'}}   | {'name': 'img_12.jpg'}          | false",
        "{'dir': '/input/**'}                  | {'dir': '/input/a/b'}           | true",
        "{'dir': '/input/*'}                   | {'dir': '/input/a/b'}           | false",
        "{'dir': '**'}                         | {'dir': '/x'}                   | true",
        "{'$or': [{'a': 1}, {'b': 2}]}         | {'b': 2}                        | true",
        "{'$not': {'a': 1}}                    | {'a': 1}                        | false",
        "{'a': {'$not': {'$gt': 5}}}           | {'a': 'x'}                      | true",
        "{'a': true}                           | {'a': 'true'}                   | false",
        "{}                                    | {'anything': 1}                 | true",
    })
    void operators(String filter, String document, boolean expected) {
        assertThat(matches(filter, document)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "[1]                                   | filter                          | a JSON object",
        "{'$foo': 1}                           | filter.$foo                     | unknown operator $foo",
        "{'$and': {'a': 1}}                    | filter.$and                     | an array of filters",
        "{'$and': [{'a': 1}, {'size': {'$gt': true}}]} | filter.$and[1].size.$gt | a number, a string or an ISO date",
        "{'a': {'$in': 'x'}}                   | filter.a.$in                    | an array of values",
        "{'a': {'$exists': 'yes'}}             | filter.a.$exists                | true or false",
        "{'a': {'$match': '('}}                | filter.a.$match                 | not a regular expression",
        "{'a': {'$match': '(a)\\\\1'}}            | filter.a.$match                 | not a regular expression",
        "{'a': {'$between': [1, 2]}}           | filter.a.$between               | unknown operator $between",
        "{'a': [1, 2]}                         | filter.a                        | use $in",
        "{'a..b': 1}                           | filter.a..b                     | an empty step",
    })
    void bad_filters_point_at_the_bad_part(String filter, String where, String message) {
        assertThatThrownBy(() -> Filter.compile(json(filter)))
                .isInstanceOf(DqlException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((DqlException) e).where()).isEqualTo(where));
    }

    /**
     * The ReDoS a trigger's filter could be: {@code ^(a+)+$} against a run of a's that ends otherwise
     * takes java.util.regex some 2^n steps (hours at n = 40); RE2/J answers in linear time. The bound is a
     * guard against a hang, not a measure of speed.
     */
    @Test
    void a_catastrophic_pattern_answers_at_once() {
        Filter filter = Filter.compile(json("{'name': {'$match': '^(a+)+$'}}"));
        String evil = "{\"name\": \"" + "a".repeat(5_000) + "!\"}";
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(filter.test(json(evil))).isFalse());
        assertThat(filter.test(json("{'name': 'aaaa'}"))).isTrue();
    }

    @Test
    void a_pattern_over_the_length_cap_is_refused() {
        String pattern = "a".repeat(Filter.MAX_PATTERN_LENGTH + 1);
        assertThatThrownBy(() -> Filter.compile(json("{'a': {'$match': '" + pattern + "'}}")))
                .isInstanceOf(DqlException.class).hasMessageContaining("at most " + Filter.MAX_PATTERN_LENGTH);
    }

    @Test
    void no_filter_matches_everything() {
        assertThat(Filter.compile(null).test(json("{'a': 1}"))).isTrue();
        assertThat(Filter.all().toSql("doc").where()).isEqualTo("true");
    }
}
