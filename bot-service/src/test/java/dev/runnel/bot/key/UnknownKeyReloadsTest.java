package dev.runnel.bot.key;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Anyone can send a token that names a key id bot-service has never seen; each such token once made it
 * read every signing key from the database again. Now a burst of them reloads the keys at most once
 * per {@link SigningKeys#RELOAD_AT_MOST_EVERY_MILLIS}, and each is still refused.
 */
@QuarkusTest
@WithTestResource(RunnelInfrastructure.class)
class UnknownKeyReloadsTest {

    @Inject
    SigningKeys keys;

    @Test
    void tokensUnderUnknownKeysReloadTheKeysAtMostOncePerInterval() {
        String stranger = TestTokens.signedByAStranger(
                TestTokens.mint("intruder", "user", Map.of(), Instant.now().plusSeconds(600)));
        long before = keys.loads();
        long started = System.currentTimeMillis();
        for (int i = 0; i < 100; i++) {
            given().header("Authorization", "Bearer " + stranger)
                    .get("/api/v1/users/me").then().statusCode(401);
        }
        long intervals = (System.currentTimeMillis() - started) / SigningKeys.RELOAD_AT_MOST_EVERY_MILLIS + 1;
        assertThat(keys.loads() - before).as("reloads for 100 tokens under unknown keys")
                .isLessThanOrEqualTo(intervals + 1);
    }
}
