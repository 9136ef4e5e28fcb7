package dev.runnel.kit.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.contracts.Problem;
import dev.runnel.kit.error.Refusal;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one table from refusals to HTTP statuses: complete, and written as problem details. */
class ProblemMapperTest {

    @Test
    void everyKindOfRefusalHasAStatus() {
        assertThat(Refusal.class.getPermittedSubclasses()).isNotEmpty().allSatisfy(kind ->
                assertThat(ProblemMapper.STATUSES).as(kind.getSimpleName()).containsKey(kind.asSubclass(Refusal.class)));
        assertThat(ProblemMapper.STATUSES.values()).extracting(ProblemMapper.Status::code)
                .allMatch(code -> code >= 400 && code < 600).doesNotHaveDuplicates();
    }

    @Test
    void eachFactoryGivesTheKindItNames() {
        assertThat(Arrays.asList(
                ProblemMapper.statusOf(Refusal.invalid("name", "too long")).code(),
                ProblemMapper.statusOf(Refusal.notAuthenticated("no token")).code(),
                ProblemMapper.statusOf(Refusal.notPermitted("annotator")).code(),
                ProblemMapper.statusOf(Refusal.notFound("service", "s1")).code(),
                ProblemMapper.statusOf(Refusal.conflict("name taken")).code(),
                ProblemMapper.statusOf(Refusal.tooLarge("big")).code(),
                ProblemMapper.statusOf(Refusal.unsupportedType("text/plain")).code(),
                ProblemMapper.statusOf(Refusal.overQuota("services", "project p", "services", 50, 1, 50)).code(),
                ProblemMapper.statusOf(Refusal.unavailable("later")).code()))
                .containsExactly(400, 401, 403, 404, 409, 413, 415, 429, 503);
    }

    @Test
    void aRefusalIsAnsweredAsProblemDetailsNamingItsField() {
        Response response = ProblemMapper.answer(Refusal.invalid("runtime.replicas", "must be between 0 and 1000"), null);

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        Problem problem = (Problem) response.getEntity();
        assertThat(problem.field()).isEqualTo("runtime.replicas");
        assertThat(problem.detail()).isEqualTo("runtime.replicas: must be between 0 and 1000");
        assertThat(problem.message()).isEqualTo(problem.detail());
        assertThat(problem.title()).isEqualTo("Invalid request");
    }

    @Test
    void aRequestOverQuotaIsToldWhichLimitAndByHowMuch() {
        Response response = ProblemMapper.answer(Refusal.overQuota("gpu-replicas", "project p1", "GPU replicas", 3, 2, 4), null);

        assertThat(response.getStatus()).isEqualTo(429);
        Problem problem = (Problem) response.getEntity();
        assertThat(problem.limit()).isEqualTo("gpu-replicas");
        assertThat(problem.detail()).isEqualTo("project p1 would have 5 GPU replicas, over its limit of 4 (3 now);"
                + " an admin sets the limits");
        assertThat(problem.field()).isNull();
    }

    @Test
    void anUnauthenticatedCallerIsToldHowToAuthenticate() {
        Response response = ProblemMapper.answer(Refusal.notAuthenticated("a bearer token is required"), null);

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeaderString("WWW-Authenticate")).isEqualTo("Bearer realm=\"runnel\"");
    }
}
