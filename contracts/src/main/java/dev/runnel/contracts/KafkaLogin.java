package dev.runnel.contracts;

import java.util.HashMap;
import java.util.Map;

/**
 * How every client of the platform logs in to Kafka: SASL SCRAM-SHA-256, as a principal with a
 * password (ADR 15). The one definition of those settings, for the services (through service-kit's
 * {@code KafkaClients}, and the {@code kafka.*} properties service-kit gives Quarkus's own clients)
 * and for the runner. The broker refuses a client without them.
 */
public record KafkaLogin(String username, String password) {

    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";
    public static final String MECHANISM = "SCRAM-SHA-256";
    /** The environment variables (and, for services, the config keys {@code runnel.kafka.*}) that hold it. */
    public static final String USERNAME_VARIABLE = "RUNNEL_KAFKA_USERNAME";
    public static final String PASSWORD_VARIABLE = "RUNNEL_KAFKA_PASSWORD";

    public KafkaLogin {
        if (username == null || username.isBlank() || password == null || password.isBlank()) {
            throw new IllegalArgumentException("a Kafka login needs a username and a password ("
                    + USERNAME_VARIABLE + ", " + PASSWORD_VARIABLE + ")");
        }
        if (username.contains("\"") || password.contains("\"") || username.contains("\\") || password.contains("\\")) {
            throw new IllegalArgumentException("a Kafka username or password may not contain quotes or backslashes");
        }
    }

    /** The login the environment gives, as the runner and the operator's replicas get it. */
    public static KafkaLogin fromEnvironment(Map<String, String> env) {
        return new KafkaLogin(env.get(USERNAME_VARIABLE), env.get(PASSWORD_VARIABLE));
    }

    /** The JAAS line of the login, as Kafka's {@code sasl.jaas.config} takes it. */
    public String jaas() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + username
                + "\" password=\"" + password + "\";";
    }

    /** The client settings of the login. */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("security.protocol", SECURITY_PROTOCOL);
        settings.put("sasl.mechanism", MECHANISM);
        settings.put("sasl.jaas.config", jaas());
        return settings;
    }

    @Override
    public String toString() {
        return "KafkaLogin[" + username + "]";
    }
}
