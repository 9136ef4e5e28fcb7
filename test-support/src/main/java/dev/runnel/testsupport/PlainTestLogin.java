package dev.runnel.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a plain test (no Quarkus) whose code under test makes Kafka clients through service-kit, which
 * reads the login from config: {@code @ExtendWith(PlainTestLogin.class)} logs them in as the
 * administrator for the class's tests, and forgets it after them (see
 * {@link RunnelInfrastructure#loginForPlainTests()}).
 */
public final class PlainTestLogin implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        RunnelInfrastructure.loginForPlainTests();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RunnelInfrastructure.forgetLogin();
    }
}
