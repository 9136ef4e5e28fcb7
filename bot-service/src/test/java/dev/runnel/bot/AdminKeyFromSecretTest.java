package dev.runnel.bot;

import static dev.runnel.bot.Calls.as;
import static org.hamcrest.Matchers.equalTo;

import dev.runnel.testsupport.RunnelInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** On Kubernetes the admin and operator keys come from a Secret: they work, and no file is needed. */
@QuarkusTest
@WithTestResource(RunnelInfrastructure.class)
@TestProfile(AdminKeyFromSecretTest.FromSecret.class)
class AdminKeyFromSecretTest {

    static final String ADMIN_KEY = "rnl_secretadmin0000000000001_c2VjcmV0LWFkbWluLWtleS1mcm9tLWEtc2VjcmV0";
    static final String OPERATOR_KEY = "rnl_secretoperator000000001_c2VjcmV0LW9wZXJhdG9yLWtleS1mcm9tLWEtc2VjcmV0";

    /** The keys as a Secret would provide them. */
    public static class FromSecret implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runnel.bot.admin-key", ADMIN_KEY, "runnel.bot.operator-key", OPERATOR_KEY);
        }
    }

    @Test
    void keysFromTheSecretWork() {
        as(Calls.token(ADMIN_KEY)).get("/api/v1/users/me").then().statusCode(200)
                .body("username", equalTo("admin")).body("admin", equalTo(true));
        as(Calls.token(OPERATOR_KEY)).get("/api/v1/users/me").then().statusCode(200)
                .body("username", equalTo("runner-operator")).body("kind", equalTo("service"));
        Calls.exchange(ADMIN_KEY.substring(0, ADMIN_KEY.length() - 2) + "xx").statusCode(401);
    }
}
