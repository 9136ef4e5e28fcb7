package dev.runnel.dql;

import java.util.List;

/**
 * A filter as a SQL boolean expression over a JSONB column, with its parameters in order (strings,
 * {@link java.math.BigDecimal}s), for a {@code WHERE} clause.
 */
public record Sql(String where, List<Object> parameters) {
}
