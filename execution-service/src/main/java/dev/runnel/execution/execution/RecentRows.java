package dev.runnel.execution.execution;

import dev.runnel.kit.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The executions this instance wrote lately and that have not ended, as its last committed write left
 * each row, with the row version's PostgreSQL {@code xmin} (ADR 0011). A status report for one of them
 * is applied with one {@code UPDATE ... WHERE xmin = ?} instead of a locking read and an update: a row
 * another transaction wrote since has another {@code xmin}, the update finds nothing, and the report is
 * applied again to the row read under a lock. Nothing here is ever trusted without that guard.
 */
@ApplicationScoped
class RecentRows {

    /** At most this many rows are remembered; the oldest go first. */
    static final int CAPACITY = 1_000;
    /** A document larger than this (its JSON, in characters) is not remembered: at most about 16 MB in all. */
    static final int MAX_DOC_CHARS = 16 * 1024;

    /**
     * An execution row: the document and the columns beside it that a report needs, the version it was
     * read or written at ({@code xmin}, or null for a row this transaction holds locked), and the size
     * of the document's JSON.
     */
    record Row(ExecutionDoc doc, Integer lastPercent, String replicaId, String version, int docChars) {
    }

    /** A guarded write found the row changed since it was remembered: nothing was written. */
    static final class Stale extends RuntimeException {
        Stale() {
            super(null, null, false, false);
        }
    }

    private static final Object WRITES = new Object();

    private final Map<String, Row> rows = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Row> eldest) {
            return size() > CAPACITY;
        }
    };
    private final Db db;
    private final TransactionSynchronizationRegistry transactions;

    RecentRows(Db db, TransactionSynchronizationRegistry transactions) {
        this.db = db;
        this.transactions = transactions;
    }

    synchronized Optional<Row> get(String executionId) {
        return Optional.ofNullable(rows.get(executionId));
    }

    /** Remembers the row as the current transaction leaves it, once it commits (a large one is forgotten). */
    void rememberAtCommit(Row row) {
        writes().put(row.doc().id(), row.docChars() > MAX_DOC_CHARS ? Optional.empty() : Optional.of(row));
    }

    /** Forgets the row once the current transaction commits (it ended: no report will change it). */
    void forgetAtCommit(String executionId) {
        writes().put(executionId, Optional.empty());
    }

    /**
     * What the current transaction wrote, by execution: one transaction may write a row twice (a poll's
     * reports are applied together), and the same {@code xmin} then stands for its last write only.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Optional<Row>> writes() {
        Map<String, Optional<Row>> writes = (Map<String, Optional<Row>>) transactions.getResource(WRITES);
        if (writes == null) {
            Map<String, Optional<Row>> created = new LinkedHashMap<>();
            transactions.putResource(WRITES, created);
            db.afterCommit(() -> commit(created));
            writes = created;
        }
        return writes;
    }

    private synchronized void commit(Map<String, Optional<Row>> writes) {
        writes.forEach((id, row) -> {
            if (row.isPresent()) {
                rows.put(id, row.get());
            } else {
                rows.remove(id);
            }
        });
    }
}
