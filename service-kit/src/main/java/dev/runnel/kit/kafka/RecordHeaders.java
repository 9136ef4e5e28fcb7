package dev.runnel.kit.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** The headers of a record, as text. */
public final class RecordHeaders {

    private RecordHeaders() {
    }

    /** The last header of that name as UTF-8 text, or null when the record has none. */
    public static String text(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
