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
    private static java.nio.file.Path home;

    /** Starts the infrastructure once, however many test classes ask for it. */
    public static synchronized void ensureStarted() {
        if (postgres == null) {
            postgres = PostgresCluster.start();
            kafka = KafkaBroker.start();
            try {
                home = java.nio.file.Files.createTempDirectory("runnel-home-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                postgres.close();
                Processes.deleteTree(home);
            }, "runnel-test-infrastructure-stop"));
        }
    }

    public static PostgresCluster postgres() {
        ensureStarted();
        return postgres;
    }

    /** The state folder of this test JVM (bot-service writes its first-start keys there). */
    public static java.nio.file.Path home() {
        ensureStarted();
        return home;
    }

    public static KafkaBroker kafka() {
        ensureStarted();
        return kafka;
    }

    /**
     * Lets a plain test (no Quarkus) make clients through service-kit, which reads the login from config:
     * as the administrator, through system properties, until {@link #forgetLogin()}. A {@code @QuarkusTest}
     * never needs it, and must not run while it holds: system properties outrank the service's own principal.
     */
    public static void loginForPlainTests() {
        ensureStarted();
        System.setProperty("runnel.kafka.username", KafkaBroker.PLATFORM);
        System.setProperty("runnel.kafka.password", kafka.password());
    }

    public static void forgetLogin() {
        System.clearProperty("runnel.kafka.username");
        System.clearProperty("runnel.kafka.password");
    }

    /** The principal the service under test logs in as: {@code runnel.kafka.username} of its application.properties. */
    private static String principalOfTheService() {
        java.util.Properties properties = new java.util.Properties();
        try (java.io.InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties.getProperty("runnel.kafka.username");
    }

    @Override
    public Map<String, String> start() {
        ensureStarted();
        String principal = principalOfTheService();
        if (principal == null) {
            // a service that does not use the bus
            principal = KafkaBroker.PLATFORM;
        }
        String password = principal.equals(KafkaBroker.PLATFORM) ? kafka.password()
                : kafka.login(principal).password();
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", PostgresCluster.USER,
                "quarkus.datasource.password", postgres.password(),
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "runnel.kafka.username", principal,
                "runnel.kafka.password", password,
                "runnel.bot.home", home.toString(),
                "runnel.bot.signing-key", TestTokens.signingKeyJwk());
    }

    @Override
    public void stop() {
        // shared by every test class of this JVM: stopped by the shutdown hook
    }
}
