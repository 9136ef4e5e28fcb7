package dev.runnel.kit.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runnel.contracts.Json;
import dev.runnel.kit.json.NulChars;
import io.agroal.api.AgroalDataSource;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Thin JDBC access to the registry's schema. Calls made inside a {@code @Transactional} method
 * share its connection and commit with it.
 */
@ApplicationScoped
public class Db {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final AgroalDataSource dataSource;
    private final TransactionSynchronizationRegistry transactions;

    public Db(AgroalDataSource dataSource, TransactionSynchronizationRegistry transactions) {
        this.dataSource = dataSource;
        this.transactions = transactions;
    }

    /**
     * Runs {@code action} once the current transaction commits, and never if it rolls back: what
     * must not happen for a write that did not happen (a Kafka send, a wake-up, an in-memory index).
     */
    public void afterCommit(Runnable action) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params);
             ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... params) {
        List<T> rows = list(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    public long count(String sql, Object... params) {
        return one(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    /**
     * Holds the transaction-wide advisory lock named {@code name} until the transaction ends: two
     * transactions that lock the same name run one after the other (a quota's count and its insert, say).
     */
    public void lockUntilCommit(String name) {
        list("SELECT pg_advisory_xact_lock(hashtext(?))", rs -> 1, name);
    }

    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else if (p instanceof byte[] bytes) {
                ps.setBytes(i + 1, bytes);
            } else if (p instanceof String text) {
                // PostgreSQL stores no NUL: it is kept escaped (a JSON parameter comes from json(), escaped there)
                ps.setString(i + 1, NulChars.escapeText(text));
            } else {
                ps.setObject(i + 1, p);
            }
        }
        return ps;
    }

    /**
     * Writes a value as JSON text, for a {@code CAST(? AS jsonb)} parameter: a NUL in a string is kept as
     * the six characters {@code \u0000}, which jsonb stores (it refuses the character).
     */
    public static String json(Object value) {
        try {
            return value == null ? null : NulChars.escapeJson(Json.mapper().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a JSON column into a type. */
    public static <T> T fromJson(String text, Class<T> type) {
        try {
            return Json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A failure of the database, not of the request. */
    public static class DbException extends RuntimeException {
        public DbException(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        public String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }

        public boolean isUniqueViolation() {
            return "23505".equals(sqlState());
        }
    }
}
