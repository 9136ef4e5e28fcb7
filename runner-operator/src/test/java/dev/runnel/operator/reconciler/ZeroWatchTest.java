package dev.runnel.operator.reconciler;

import static dev.runnel.testsupport.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.Topics;
import dev.runnel.testsupport.PlainTestLogin;
import dev.runnel.testsupport.RunnelInfrastructure;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's watch of services at zero reads only their work topics, from the end: work that was
 * there before (a service that ran, then went to zero) does not wake it, new work does, a service it
 * stops watching does not, and a work topic made after the watch began is found (real Kafka).
 */
@ExtendWith(PlainTestLogin.class)
class ZeroWatchTest {

    @Test
    void newWorkOfAWatchedServiceWakesOldWorkDoesNot() throws Exception {
        String bootstrap = RunnelInfrastructure.kafka().bootstrapServers();
        String ran = "zw-" + UUID.randomUUID();
        String other = "zw-" + UUID.randomUUID();
        String later = "zw-" + UUID.randomUUID();
        Queue<String> work = new ConcurrentLinkedQueue<>();
        Queue<String> watching = new ConcurrentLinkedQueue<>();
        try (Admin admin = Admin.create(RunnelInfrastructure.kafka().clientSettings());
             KafkaProducer<String, String> producer = new KafkaProducer<>(RunnelInfrastructure.kafka().clientSettings(),
                     new StringSerializer(), new StringSerializer());
             ZeroWatch watch = new ZeroWatch(bootstrap, work::add, watching::add)) {
            admin.createTopics(List.of(new NewTopic(Topics.work(ran), 2, (short) 1),
                    new NewTopic(Topics.work(other), 1, (short) 1))).all().get();
            for (int i = 0; i < 5; i++) { // what the service did while it ran
                producer.send(new ProducerRecord<>(Topics.work(ran), "old-" + i, "{}")).get();
            }

            watch.watch(Set.of(ran, later));
            waitFor(20, () -> watching.contains(ran));
            producer.send(new ProducerRecord<>(Topics.work(other), "unwatched", "{}")).get();
            producer.send(new ProducerRecord<>(Topics.work(ran), "new", "{}")).get();
            waitFor(20, () -> work.contains(ran));
            assertThat(work).as("the new item only: not the old ones, not another service's").containsExactly(ran);

            // a work topic made after the watch began is looked up again
            admin.createTopics(List.of(new NewTopic(Topics.work(later), 1, (short) 1))).all().get();
            waitFor(20, () -> watching.contains(later));
            producer.send(new ProducerRecord<>(Topics.work(later), "first", "{}")).get();
            waitFor(20, () -> work.contains(later));

            // a service no longer at zero is not watched
            watch.watch(Set.of(later));
            waitFor(20, () -> watch.follows(Set.of(later)));
            work.clear();
            producer.send(new ProducerRecord<>(Topics.work(ran), "after", "{}")).get();
            producer.send(new ProducerRecord<>(Topics.work(later), "second", "{}")).get();
            waitFor(20, () -> work.contains(later));
            assertThat(work).containsExactly(later);
        }
    }
}
