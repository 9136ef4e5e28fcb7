package dev.runnel.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.kit.error.Refusal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Project roles: members read, developers and owners change, and to anyone else the object does not exist. */
class CallerTest {

    private final Caller ada = new Caller("u1", "ada", "user", false,
            Map.of("p-own", "owner", "p-dev", "developer", "p-ann", "annotator"), "token");

    @Test
    void aNonMemberIsToldTheObjectDoesNotExist() {
        assertThatThrownBy(() -> ada.mayRead("p-other", () -> Refusal.notFound("service", "s1")))
                .isInstanceOf(Refusal.NotFound.class).hasMessage("service s1 not found");
        assertThatThrownBy(() -> ada.mayWrite("p-other", () -> Refusal.notFound("service", "s1")))
                .isInstanceOf(Refusal.NotFound.class);
        assertThatThrownBy(() -> ada.mayRead(null)).isInstanceOf(Refusal.NotFound.class);
    }

    @Test
    void everyMemberReadsOnlyDevelopersAndOwnersWrite() {
        assertThatNoException().isThrownBy(() -> ada.mayRead("p-ann"));
        assertThatNoException().isThrownBy(() -> ada.mayWrite("p-own"));
        assertThatNoException().isThrownBy(() -> ada.mayWrite("p-dev"));
        assertThatThrownBy(() -> ada.mayWrite("p-ann")).isInstanceOf(Refusal.NotPermitted.class)
                .hasMessageContaining("annotator");
    }

    @Test
    void readableProjectsAreTheCallersOwnUnlessAuthenticationIsOff() {
        assertThat(ada.readableProjects()).containsExactlyInAnyOrder("p-own", "p-dev", "p-ann");
        assertThat(Caller.UNCHECKED.readableProjects()).isNull();
        assertThatNoException().isThrownBy(() -> Caller.UNCHECKED.mayWrite("any"));
    }
}
