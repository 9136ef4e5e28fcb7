package dev.runnel.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.KafkaLogin;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The kafka.* properties service-kit gives Quarkus's own clients say what KafkaLogin says. */
class KafkaLoginConfigTest {

    @Test
    void quarkusClientsLogInAsKafkaClientsDo() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = KafkaClients.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            properties.load(in);
        }
        KafkaLogin login = new KafkaLogin("${runnel.kafka.username}", "${runnel.kafka.password}");
        login.settings().forEach((key, value) ->
                assertThat(properties.getProperty("kafka." + key)).as("kafka." + key).isEqualTo(value));
        assertThat(properties.stringPropertyNames()).filteredOn(name -> name.startsWith("kafka."))
                .hasSize(login.settings().size());
    }

    @Test
    void aLoginIsRefusedWithoutAPasswordOrWithCharactersThatWouldBreakItsJaasLine() {
        for (String[] bad : new String[][] {{"u", null}, {null, "p"}, {"u", " "}, {"u\"", "p"}, {"u", "p\\"}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KafkaLogin(bad[0], bad[1]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new KafkaLogin("u", "p").toString()).doesNotContain("p]");
    }
}
