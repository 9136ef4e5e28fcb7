package dev.runnel.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource that gives a service a real PostgreSQL and a real Kafka broker. Both are
 * started once per test JVM and shared by every test class in it; they stop when the JVM exits.
 */
public class RunnelInfrastructure implements QuarkusTestResourceLifecycleManager {

    private static PostgresCluster postgres;
    private static KafkaBroker kafka;

    /** Starts the infrastructure once, however many test classes ask for it. */
    public static synchronized void ensureStarted() {
        if (postgres == null) {
            postgres = PostgresCluster.start();
            kafka = KafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                postgres.close();
            }, "runnel-test-infrastructure-stop"));
        }
    }

    public static PostgresCluster postgres() {
        ensureStarted();
        return postgres;
    }

    public static KafkaBroker kafka() {
        ensureStarted();
        return kafka;
    }

    @Override
    public Map<String, String> start() {
        ensureStarted();
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", PostgresCluster.USER,
                "quarkus.datasource.password", "",
                "kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        // shared by every test class of this JVM: stopped by the shutdown hook
    }
}
