package dev.runnel.execution.execution;

import dev.runnel.contracts.ExecutionStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.contracts.Json;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What RecentRows remembers: the last write of a committed transaction, never a rolled-back one, never a large one. */
@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class RecentRowsTest {

    @Inject
    RecentRows recent;

    private static RecentRows.Row row(String id, String version, int docChars) {
        StatusEntry created = new StatusEntry(Instant.now(), ExecutionStatus.CREATED, null, 0, null, null);
        ExecutionDoc doc = new ExecutionDoc(id, Instant.now(), Instant.now(), "someone", 1, 1, false,
                Json.mapper().createObjectNode(), null, List.of(created), created, null, "project", "run", "service",
                null, "svc", "package", "pkg", 1, 1, null, null);
        return new RecentRows.Row(doc, null, null, version, docChars);
    }

    private Optional<String> version(String id) {
        return recent.get(id).map(RecentRows.Row::version);
    }

    @Test
    void aCommittedTransactionsLastWriteOfARowIsRemembered() {
        String id = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> {
            recent.rememberAtCommit(row(id, "100", 500));
            recent.rememberAtCommit(row(id, "101", 500));
            assertThat(version(id)).as("nothing before the commit").isEmpty();
        });
        assertThat(version(id)).contains("101");

        QuarkusTransaction.requiringNew().run(() -> recent.forgetAtCommit(id));
        assertThat(version(id)).isEmpty();
    }

    @Test
    void aRolledBackTransactionChangesNothing() {
        String id = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> recent.rememberAtCommit(row(id, "200", 500)));
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            recent.rememberAtCommit(row(id, "201", 500));
            throw new IllegalStateException("rolled back");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(version(id)).contains("200");
    }

    @Test
    void aLargeDocumentIsNotRememberedAndTheOlderVersionIsForgotten() {
        String id = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> recent.rememberAtCommit(row(id, "300", 500)));
        QuarkusTransaction.requiringNew().run(() -> recent.rememberAtCommit(row(id, "301",
                RecentRows.MAX_DOC_CHARS + 1)));
        assertThat(version(id)).isEmpty();
    }

    @Test
    void theOldestRowsGoFirst() {
        String first = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> recent.rememberAtCommit(row(first, "400", 500)));
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < RecentRows.CAPACITY; i++) {
                recent.rememberAtCommit(row(UUID.randomUUID().toString(), "401", 500));
            }
        });
        assertThat(version(first)).isEmpty();
    }
}
