package dev.runnel.contracts;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Makes the platform's principals on a broker, with their grants ({@link BusGrants}), logged in as its
 * administrator. {@code ./runnel up} runs it after the broker starts, and the chart's bus-setup Job on
 * each install and upgrade. It reads the environment: {@code RUNNEL_KAFKA} (the brokers), the
 * administrator's {@code RUNNEL_KAFKA_USERNAME} and {@code RUNNEL_KAFKA_PASSWORD}, and each principal's
 * password in {@code RUNNEL_BUS_PASSWORD_<PRINCIPAL>} ({@code RUNNEL_BUS_PASSWORD_EXECUTION_SERVICE}, ...).
 * Running it again changes nothing but passwords that changed.
 */
public final class BusSetup {

    private BusSetup() {
    }

    /** The variable that holds a principal's password. */
    public static String passwordVariable(String principal) {
        return "RUNNEL_BUS_PASSWORD_" + principal.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String bootstrap = env.get("RUNNEL_KAFKA");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("RUNNEL_KAFKA (the brokers) is not set");
        }
        Map<String, String> passwords = new HashMap<>();
        for (String principal : BusGrants.PRINCIPALS) {
            String password = env.get(passwordVariable(principal));
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException(passwordVariable(principal) + " is not set");
            }
            passwords.put(principal, password);
        }
        Map<String, Object> settings = new HashMap<>(KafkaLogin.fromEnvironment(env).settings());
        settings.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(settings)) {
            BusGrants.apply(admin, passwords);
        }
        System.out.println("bus principals and grants made: " + String.join(", ", BusGrants.PRINCIPALS));
    }
}
