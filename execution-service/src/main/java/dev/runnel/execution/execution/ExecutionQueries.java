package dev.runnel.execution.execution;

import dev.runnel.auth.Caller;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Lists of executions and of their log lines, newest first, scoped to the caller's projects. */
@ApplicationScoped
public class ExecutionQueries {

    private final Db db;

    public ExecutionQueries(Db db) {
        this.db = db;
    }

    /** Filters of {@code GET /executions}. */
    public record Filter(String projectId, String serviceId, String status, String functionName, String triggerId,
                         Instant since) {
    }

    /** One log line. */
    public record LogLine(long id, Instant timestamp, String level, String message) {
    }

    public Page<ExecutionDoc> list(Filter filter, PageRequest page, Caller caller) {
        StringBuilder where = new StringBuilder(" FROM executions WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (filter.serviceId() != null) {
            checkServiceReadable(filter.serviceId(), caller);
            where.append(" AND service_id = ?");
            params.add(filter.serviceId());
        } else if (filter.projectId() != null) {
            caller.mayRead(filter.projectId());
            where.append(" AND project_id = ?");
            params.add(filter.projectId());
        } else {
            throw Refusal.invalid("serviceId", "give serviceId or projectId");
        }
        add(where, params, "status", filter.status());
        add(where, params, "function_name", filter.functionName());
        add(where, params, "trigger_id", filter.triggerId());
        if (filter.since() != null) {
            where.append(" AND created_at >= ?");
            params.add(filter.since());
        }
        long total = db.count("SELECT count(*)" + where, params.toArray());
        List<ExecutionDoc> items = db.list("SELECT doc::text" + where + " ORDER BY created_at DESC, id DESC LIMIT "
                + page.pageSize() + " OFFSET " + page.offset(), rs -> Db.fromJson(rs.getString(1), ExecutionDoc.class),
                params.toArray());
        return Page.of(items, total, page);
    }

    /** 404 unless the service exists and the caller may read its project. */
    public void checkServiceReadable(String serviceId, Caller caller) {
        String project = db.one("SELECT project_id FROM service_specs WHERE service_id = ?", rs -> rs.getString(1),
                serviceId).orElseThrow(() -> Refusal.notFound("service", serviceId));
        caller.mayRead(project, () -> Refusal.notFound("service", serviceId));
    }

    /** Log lines after {@code checkpoint}, optionally of one execution and containing {@code text}. */
    public List<LogLine> logs(String serviceId, String executionId, String text, Instant start, Instant end,
                              long checkpoint, int limit) {
        StringBuilder where = new StringBuilder(" WHERE id > ?");
        List<Object> params = new ArrayList<>(List.of(checkpoint));
        add(where, params, "service_id", serviceId);
        add(where, params, "execution_id", executionId);
        if (text != null && !text.isBlank()) {
            where.append(" AND position(lower(?) in lower(message)) > 0");
            params.add(text);
        }
        if (start != null) {
            where.append(" AND at >= ?");
            params.add(start);
        }
        if (end != null) {
            where.append(" AND at <= ?");
            params.add(end);
        }
        return db.list("SELECT id, at, level, message FROM execution_logs" + where + " ORDER BY id LIMIT " + limit,
                rs -> new LogLine(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4)),
                params.toArray());
    }

    private static void add(StringBuilder where, List<Object> params, String column, String value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }
}
