package dev.runnel.testsupport;

import dev.runnel.contracts.BusGrants;
import dev.runnel.contracts.KafkaLogin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * A real Kafka broker in KRaft mode (broker and controller in one process), run as a child JVM of
 * the tests on fixed ports, so that a test can stop it and bring it back at the same address with
 * its data, as an outage would. It is secured as Runnel's brokers are (ADR 15): clients log in with
 * SASL SCRAM-SHA-256, and a principal may do only what ACLs grant it. Each platform service logs in as
 * its own principal with the grants of contracts' {@link BusGrants} ({@link #login(String)}); {@link #PLATFORM},
 * the administrator, is a super user that the tests' own fixtures use.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The administrator's principal; its password is new for each broker. */
    public static final String PLATFORM = "runnel";

    private final String password = UUID.randomUUID().toString().replace("-", "");
    /** the password of each of the platform's principals, by principal */
    private final Map<String, String> passwords = new HashMap<>();
    private final Path dir;
    private final Path log;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.log = dir.resolve("kafka.log");
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats a new single-node cluster in a temporary folder and starts it. */
    public static KafkaBroker start() {
        try {
            KafkaBroker broker = new KafkaBroker(Files.createTempDirectory("runnel-kafka-"), Processes.freePort(),
                    Processes.freePort());
            broker.format();
            broker.resume();
            broker.grant();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the platform's principals and their grants, as {@code ./runnel up} and the chart's bus-setup Job do. */
    private void grant() {
        for (String principal : BusGrants.PRINCIPALS) {
            passwords.put(principal, UUID.randomUUID().toString().replace("-", ""));
        }
        try (Admin admin = Admin.create(clientSettings())) {
            BusGrants.apply(admin, passwords);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot make the platform's principals: " + e.getMessage(), e);
        }
    }

    private void format() throws IOException {
        Path properties = dir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=CLIENT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=CLIENT://127.0.0.1:" + port,
                "inter.broker.listener.name=CLIENT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
                "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256",
                "sasl.mechanism.controller.protocol=PLAIN",
                "listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-256",
                "listener.name.client.scram-sha-256.sasl.jaas.config=" + jaas(),
                "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                "listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\"" + PLATFORM + "\" password=\"" + password + "\" user_" + PLATFORM
                        + "=\"" + password + "\";",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users=User:" + PLATFORM,
                "allow.everyone.if.no.acl.found=false",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "log.flush.interval.messages=100000",
                ""));
        Files.createFile(log);
        Processes.run(List.of(Processes.javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath(),
                "kafka.tools.StorageTool", "format", "--standalone", "-t", clusterId(), "-c", properties.toString(),
                "--add-scram", "SCRAM-SHA-256=[name=" + PLATFORM + ",password=" + password + "]"),
                log);
    }

    /** A random cluster id as Kafka writes them; never one starting with '-', which the tool would read as an option. */
    private static String clusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    private static String classPath() {
        return System.getProperty("java.class.path");
    }

    /** Starts the broker process (again, after {@link #stop()}), and waits until it listens. */
    public synchronized void resume() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = new ProcessBuilder(Processes.javaBinary(), "-Xmx512m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", classPath(), "kafka.Kafka",
                    dir.resolve("server.properties").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Processes.awaitPort(port, Duration.ofSeconds(60), process, log);
    }

    /** Stops the broker process; its data stays for {@link #resume()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The platform's password on this broker. */
    public String password() {
        return password;
    }

    /** The platform's login as Kafka's {@code sasl.jaas.config} takes it (contracts' KafkaLogin makes the same). */
    public String jaas() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + PLATFORM
                + "\" password=\"" + password + "\";";
    }

    /** What a client of the tests needs to reach this broker (address and login), and {@code more}. */
    public Map<String, Object> clientSettings(Map<String, ?> more) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "SCRAM-SHA-256");
        settings.put("sasl.jaas.config", jaas());
        settings.put("bootstrap.servers", bootstrapServers());
        settings.putAll(more);
        return settings;
    }

    public Map<String, Object> clientSettings() {
        return clientSettings(Map.of());
    }

    /** The environment that gives a process the administrator's login ({@code RUNNEL_KAFKA_USERNAME}, ...). */
    public Map<String, String> loginEnvironment() {
        return Map.of("RUNNEL_KAFKA_USERNAME", PLATFORM, "RUNNEL_KAFKA_PASSWORD", password);
    }

    /** The login of one of the platform's principals ({@link BusGrants#PRINCIPALS}). */
    public KafkaLogin login(String principal) {
        String secret = passwords.get(principal);
        if (secret == null) {
            throw new IllegalArgumentException("no principal " + principal + " on this broker");
        }
        return new KafkaLogin(principal, secret);
    }

    /** The environment that gives a service's process its own login. */
    public Map<String, String> loginEnvironment(String principal) {
        KafkaLogin login = login(principal);
        return Map.of(KafkaLogin.USERNAME_VARIABLE, login.username(), KafkaLogin.PASSWORD_VARIABLE, login.password());
    }

    @Override
    public void close() {
        stop();
        Processes.deleteTree(dir);
    }
}
