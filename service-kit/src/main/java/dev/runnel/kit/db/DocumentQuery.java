package dev.runnel.kit.db;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.dql.DqlException;
import dev.runnel.dql.Filter;
import dev.runnel.dql.Sql;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A page of the JSON documents of a table whose rows hold the entity's JSON in {@code doc} beside
 * {@code project_id}, {@code created_at} and {@code updated_at}: a compiled DQL filter becomes SQL over
 * {@code doc}, sorted by the timestamps or any field of the JSON, and the rows are always those of the
 * given projects. Repositories run it on their table.
 */
public record DocumentQuery(Filter filter, JsonNode sort, PageRequest page) {

    private static final Map<String, String> SORTABLE = Map.of("createdAt", "created_at", "updatedAt", "updated_at");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){0,9}");

    /** A query of a DQL filter (refused, naming the field, when it is not one), a sort and a page. */
    public static DocumentQuery of(JsonNode filter, JsonNode sort, Integer page, Integer pageSize) {
        Filter compiled;
        try {
            compiled = Filter.compile(filter);
        } catch (DqlException e) {
            throw Refusal.invalid(e.where(), e.getMessage().substring(e.where().length() + 2));
        }
        return new DocumentQuery(compiled, sort, PageRequest.of(page, pageSize));
    }

    /**
     * Runs the query on {@code table}.
     *
     * @param projects the projects the caller may read, or null for every project (authorization off)
     */
    public <T> Page<T> run(Db db, String table, Collection<String> projects, Class<T> type) {
        PageRequest request = page;
        Sql sql = filter.toSql("doc");
        List<Object> parameters = new ArrayList<>();
        StringBuilder where = new StringBuilder(" FROM " + table + " WHERE ");
        if (projects != null) {
            where.append("project_id = ANY (?) AND ");
            parameters.add(projects.toArray(String[]::new));
        }
        where.append(sql.where());
        parameters.addAll(sql.parameters());
        long total = db.count("SELECT count(*)" + where, parameters.toArray());
        List<Object> ordered = new ArrayList<>(parameters);
        String order = order(ordered);
        List<T> items = db.list("SELECT doc::text" + where + " ORDER BY " + order + " LIMIT " + request.pageSize()
                + " OFFSET " + request.offset(), rs -> Db.fromJson(rs.getString(1), type), ordered.toArray());
        return Page.of(items, total, request);
    }

    /**
     * {@code sort: {"createdAt": "descending", "name": "ascending"}}: the timestamps, or any field of the
     * entity's JSON by its dotted path (JSON order: nulls last ascending); newest first when absent.
     * Path segments go to PostgreSQL as a parameter, never into the SQL text.
     */
    private String order(List<Object> parameters) {
        if (sort == null || sort.isNull() || sort.isEmpty()) {
            return "created_at DESC, doc->>'id' DESC";
        }
        if (!sort.isObject()) {
            throw Refusal.invalid("sort", "an object of a field and ascending or descending");
        }
        List<String> terms = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sort.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String direction = field.getValue().asText();
            if (!direction.equals("ascending") && !direction.equals("descending")) {
                throw Refusal.invalid("sort." + field.getKey(), "ascending or descending");
            }
            String column = SORTABLE.get(field.getKey());
            if (column == null) {
                if (!FIELD.matcher(field.getKey()).matches()) {
                    throw Refusal.invalid("sort." + field.getKey(), "a field of the entity, such as name or"
                            + " latestStatus.status, or createdAt or updatedAt");
                }
                column = "doc #> CAST(? AS text[])";
                parameters.add(field.getKey().split("\\."));
            }
            terms.add(column + (direction.equals("ascending") ? " ASC" : " DESC"));
        }
        return String.join(", ", terms) + ", doc->>'id'";
    }
}
