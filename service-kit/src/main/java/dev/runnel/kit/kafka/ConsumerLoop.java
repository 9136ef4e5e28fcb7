package dev.runnel.kit.kafka;

import dev.runnel.contracts.DeadLetterRedrive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * One thread that consumes topics and hands each record to a handler, committing offsets only
 * after the handler returned: a record whose handling failed is read again after a pause, up to
 * {@value DeadLetters#MAX_TRIES} times, then put on {@code dead-letters} with why ({@link DeadLetters}),
 * so that one bad record never stops its partition (a failure of the database or the broker is retried
 * for as long as it lasts); handlers are idempotent (on the event id, or by what they change). Offsets are
 * committed at most every {@value #COMMIT_EVERY_MS} ms (a commit per record was a write to the
 * broker's offsets log per message), when partitions are taken away, and when the loop closes; a
 * crash reads again what was handled since the last commit.
 *
 * <p>A loop that every instance runs to see every record (heartbeats, the end of executions, the
 * specs an operator keeps in memory) is a {@linkplain #startReading reader}: it reads every partition
 * without a consumer group, so it joins nothing, commits nothing and leaves no group behind.
 */
public final class ConsumerLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class);

    /** How often handled offsets are committed, at most. */
    static final long COMMIT_EVERY_MS = 200;

    /** The loops running in this process, by name: where a redriven dead letter goes back to. */
    private static final Map<String, ConsumerLoop> RUNNING = new ConcurrentHashMap<>();

    private final String bootstrap;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    /** Which topics it consumes: a redrive hands it only records of those. */
    private final Predicate<String> consumes;
    /** Dead letters an administrator sent back to this loop, handled by its thread between polls. */
    private final Queue<DeadLetterRedrive> redrives = new ConcurrentLinkedQueue<>();
    /** A reader's partitions (it assigns itself those of its topics), or null for a loop in a consumer group. */
    private final ReaderPartitions reader;
    /** Handled offsets not committed yet, and when the loop last committed; only the loop's thread uses them. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private long committedAt;
    private volatile boolean running = true;
    private final CatchUp catchUp = new CatchUp();
    private final Hearing hearing = new Hearing();
    private final DeadLetters deadLetters;
    /** The record of each partition that is failing now, and how many times it has; only the loop's thread uses it. */
    private final Map<TopicPartition, long[]> failing = new HashMap<>();

    private ConsumerLoop(String bootstrap, String name, KafkaConsumer<String, String> consumer,
                         Consumer<ConsumerRebalanceListener> subscribe, Predicate<String> consumes,
                         Consumer<List<ConsumerRecord<String, String>>> handler, boolean batches) {
        this(bootstrap, name, consumer, subscribe, consumes, handler, batches, null);
    }

    private ConsumerLoop(String bootstrap, String name, KafkaConsumer<String, String> consumer,
                         Consumer<ConsumerRebalanceListener> subscribe, Predicate<String> consumes,
                         Consumer<List<ConsumerRecord<String, String>>> handler, boolean batches,
                         List<String> readerTopics) {
        this.bootstrap = bootstrap;
        this.consumer = consumer;
        this.consumes = consumes;
        this.deadLetters = new DeadLetters(bootstrap, name);
        this.reader = readerTopics == null ? null : new ReaderPartitions(readerTopics);
        this.thread = new Thread(() -> run(subscribe, handler, batches), name);
        this.thread.setDaemon(true);
    }

    /** Starts consuming {@code topics} in consumer group {@code group}, one record at a time. */
    public static ConsumerLoop start(String bootstrap, String group, List<String> topics, String reset,
                                     Consumer<ConsumerRecord<String, String>> handler) {
        KafkaConsumer<String, String> consumer = create(bootstrap, group, reset);
        return started(new ConsumerLoop(bootstrap, group, consumer, listener -> consumer.subscribe(topics, listener),
                topics::contains, one(handler), false));
    }

    /** Starts consuming every topic matching {@code pattern}, one record at a time. */
    public static ConsumerLoop start(String bootstrap, String group, Pattern pattern, String reset,
                                     Consumer<ConsumerRecord<String, String>> handler) {
        KafkaConsumer<String, String> consumer = create(bootstrap, group, reset);
        return started(new ConsumerLoop(bootstrap, group, consumer, listener -> consumer.subscribe(pattern, listener),
                topic -> pattern.matcher(topic).matches(), one(handler), false));
    }

    /**
     * Starts consuming {@code topics} a poll at a time: the handler gets every record of a poll (to
     * handle them in one transaction, say). When it fails on a batch, the records of that batch are
     * handed over again one at a time, so that one bad record holds up only its own partition.
     */
    public static ConsumerLoop startBatches(String bootstrap, String group, List<String> topics, String reset,
                                            Consumer<List<ConsumerRecord<String, String>>> handler) {
        KafkaConsumer<String, String> consumer = create(bootstrap, group, reset);
        return started(new ConsumerLoop(bootstrap, group, consumer, listener -> consumer.subscribe(topics, listener),
                topics::contains, handler, true));
    }

    /**
     * Starts reading every partition of {@code topics} without a consumer group, one record at a time,
     * from their start ({@code "earliest"}) or their end ({@code "latest"}): every instance sees every
     * record, and nothing is committed. Partitions added later are read from their start.
     */
    public static ConsumerLoop startReading(String bootstrap, String name, List<String> topics, String from,
                                            Consumer<ConsumerRecord<String, String>> handler) {
        KafkaConsumer<String, String> consumer = create(bootstrap, null, from);
        return started(new ConsumerLoop(bootstrap, name, consumer, listener -> { }, topics::contains, one(handler),
                false, List.copyOf(topics)));
    }

    private static ConsumerLoop started(ConsumerLoop loop) {
        RUNNING.put(loop.thread.getName(), loop);
        loop.thread.start();
        return loop;
    }

    /** The loop of this process named {@code name} (its consumer group, or a reader's name), if one runs. */
    public static Optional<ConsumerLoop> running(String name) {
        return Optional.ofNullable(name == null ? null : RUNNING.get(name));
    }

    /**
     * Hands a dead letter back to this loop: its thread reads the record again from where the order
     * says it was on this loop's own topic (the letter's copy is not trusted) and handles it once more;
     * if that fails, the record is dead-lettered again at once. False when the order names a topic this
     * loop does not consume.
     */
    public boolean redrive(DeadLetterRedrive order) {
        if (!consumes.test(order.topic())) {
            return false;
        }
        redrives.add(order); // handled after the poll under way, within half a second
        return true;
    }

    private static Consumer<List<ConsumerRecord<String, String>>> one(Consumer<ConsumerRecord<String, String>> handler) {
        return records -> records.forEach(handler);
    }

    private static KafkaConsumer<String, String> create(String bootstrap, String group, String reset) {
        Map<String, Object> p = new HashMap<>();
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.putAll(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000",
                // a crashed instance hands its partitions over within seconds
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000"));
        return KafkaClients.consumer(bootstrap, p);
    }

    private void run(Consumer<ConsumerRebalanceListener> subscribe, Consumer<List<ConsumerRecord<String, String>>> handler,
                     boolean batches) {
        try {
            subscribe.accept(new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commitBeforeHandingOver(); // what this instance handled is not read again by the next owner
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // positions come from the committed offsets
                }
            });
            while (running) {
                if (reader != null && !reader.assign(consumer, thread.getName())) {
                    if (reader.topicsAbsent()) {
                        catchUp.nothingToRead();
                    }
                    hearing.broken();
                    Thread.sleep(1000); // its topics are not there yet
                    continue;
                }
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                redriveOrdered(handler);
                if (!records.isEmpty() && !(batches && handledAsBatch(records, handler))
                        && !handledOneByOne(records, handler)) {
                    hearing.broken();
                    Thread.sleep(1000);
                }
                catchUp.check(consumer, thread.getName());
                hearing.check(consumer);
                if (System.currentTimeMillis() - committedAt >= COMMIT_EVERY_MS) {
                    commitNow();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s stopped", thread.getName());
        } finally {
            RUNNING.remove(thread.getName(), this);
            commitNow();
            consumer.close(Duration.ofSeconds(2));
            deadLetters.close();
        }
    }

    /**
     * Whether the handler has seen every record that was in the topics when this was first asked (once
     * the loop had partitions; a reader whose topics do not exist yet has nothing to catch up with): a
     * loop that reads a compacted topic from its start then knows its whole state. False until the loop
     * has checked, a poll after the first call.
     */
    public boolean caughtUp() {
        return catchUp.ask();
    }

    /** Waits at most {@code timeout} for {@link #caughtUp()}; whether it did. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * How long this loop has heard its topics without a break: the broker answered where its partitions
     * end, once a second, and the loop had handled what was there the second before. Zero while it does
     * not hear (the broker away, a handler failing, no partitions yet). Loops nobody asks never check.
     */
    public Duration heardFor() {
        return Duration.ofNanos(hearing.heardForNanos());
    }

    private boolean handledAsBatch(ConsumerRecords<String, String> records,
                                   Consumer<List<ConsumerRecord<String, String>>> handler) {
        List<ConsumerRecord<String, String>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        try {
            handler.accept(batch);
        } catch (RuntimeException e) {
            LOG.debugf("%s: a batch of %d failed (%s); handling its records one at a time", thread.getName(),
                    batch.size(), e);
            return false;
        }
        Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        for (ConsumerRecord<String, String> record : batch) {
            handled.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        commit(handled);
        return true;
    }

    /** Handles each record on its own; false when one failed (its partition is read again from there). */
    private boolean handledOneByOne(ConsumerRecords<String, String> records,
                                    Consumer<List<ConsumerRecord<String, String>>> handler) {
        Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        boolean failed = false;
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, String> record : records.records(partition)) {
                try {
                    handler.accept(List.of(record));
                    handled.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    failing.remove(partition);
                } catch (RuntimeException e) {
                    if (!DeadLetters.isTransient(e) && tries(partition, record.offset()) >= DeadLetters.MAX_TRIES
                            && deadLetters.send(record, e)) {
                        handled.put(partition, new OffsetAndMetadata(record.offset() + 1));
                        failing.remove(partition);
                        continue; // one bad record does not stop its partition
                    }
                    LOG.warnf("%s: handling %s@%d failed, will retry: %s", thread.getName(), record.topic(),
                            record.offset(), e);
                    consumer.seek(partition, record.offset());
                    failed = true;
                    break;
                }
            }
        }
        commit(handled);
        return !failed;
    }

    /** Handles the dead letters sent back to this loop, each read again from its topic. */
    private void redriveOrdered(Consumer<List<ConsumerRecord<String, String>>> handler) {
        for (DeadLetterRedrive order = redrives.poll(); order != null; order = redrives.poll()) {
            Optional<ConsumerRecord<String, String>> record = Redrives.fetch(bootstrap, order);
            if (record.isEmpty()) {
                LOG.warnf("%s: dead letter %s is not redriven: %s-%d@%d is no longer on its topic", thread.getName(),
                        order.letterId(), order.topic(), order.partition(), order.offset());
                continue;
            }
            try {
                handler.accept(List.of(record.get()));
                LOG.infof("%s: dead letter %s redriven: %s-%d@%d handled", thread.getName(), order.letterId(),
                        order.topic(), order.partition(), order.offset());
            } catch (RuntimeException e) {
                LOG.warnf("%s: dead letter %s failed again: %s", thread.getName(), order.letterId(), e);
                deadLetters.send(record.get(), e);
            }
        }
    }

    /** How many times the record at {@code offset} has failed now, this time included. */
    private int tries(TopicPartition partition, long offset) {
        long[] known = failing.get(partition);
        if (known == null || known[0] != offset) {
            known = new long[] {offset, 0};
            failing.put(partition, known);
        }
        return (int) ++known[1];
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> handled) {
        if (reader == null) { // a reader has no group to commit to
            uncommitted.putAll(handled);
        }
    }

    private void commitBeforeHandingOver() {
        committedAt = System.currentTimeMillis();
        if (!uncommitted.isEmpty()) {
            try {
                consumer.commitSync(new HashMap<>(uncommitted), Duration.ofSeconds(2));
            } catch (WakeupException e) {
                throw e; // closing
            } catch (RuntimeException e) {
                LOG.debugf("%s: commit before a rebalance failed (%s); the next owner reads those again",
                        thread.getName(), e.getMessage());
            }
            uncommitted.clear();
        }
    }

    /**
     * Commits what was handled since the last commit, without waiting for the broker: a commit lost
     * in a crash only means reading again, and handlers are idempotent.
     */
    private void commitNow() {
        committedAt = System.currentTimeMillis();
        if (!uncommitted.isEmpty()) {
            consumer.commitAsync(new HashMap<>(uncommitted), null);
            uncommitted.clear();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
