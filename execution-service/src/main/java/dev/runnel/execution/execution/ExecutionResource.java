package dev.runnel.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.auth.Caller;
import dev.runnel.auth.CallerContext;
import dev.runnel.execution.ExecutionConfig;
import dev.runnel.kit.db.Ids;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** REST edge of executions. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionResource {

    private final ExecutionService executions;
    private final ExecutionQueries queries;
    private final Waiters waiters;
    private final CallerContext caller;
    private final ExecutionConfig config;

    public ExecutionResource(ExecutionService executions, ExecutionQueries queries, Waiters waiters,
                             CallerContext caller, ExecutionConfig config) {
        this.executions = executions;
        this.queries = queries;
        this.waiters = waiters;
        this.caller = caller;
        this.config = config;
    }

    /** {@code POST /executions/{serviceId}} body. */
    public record CreateBody(String functionName, String projectId, JsonNode input, String idempotencyKey) {
    }

    /** {@code POST /services/logs} body (Dataloop's log query). */
    public record LogQuery(String serviceId, String executionId, String functionName, String text, String start,
                           String end, String checkpoint, Boolean follow) {
    }

    @POST
    @Path("executions/{serviceId}")
    @Consumes(MediaType.WILDCARD)
    public Response create(@PathParam("serviceId") String serviceId, CreateBody body,
                           @HeaderParam("Idempotency-Key") String idempotencyHeader,
                           @QueryParam("wait") boolean wait, @QueryParam("timeout") Integer timeout) {
        Caller who = caller.current();
        CreateBody request = body == null ? new CreateBody(null, null, null, null) : body;
        String key = request.idempotencyKey() != null ? request.idempotencyKey() : idempotencyHeader;
        ExecutionService.Create create = new ExecutionService.Create(request.functionName(), request.projectId(),
                request.input(), key);
        if (!wait) {
            return Response.status(201).entity(executions.create(Ids.next(), serviceId, create, who, who.username(),
                    null, null)).build();
        }
        Duration waitAtMost = waitTimeout(timeout); // a bad timeout is refused before anything is written
        // registered before the execution exists, so that its end cannot slip by, and no read is needed
        String id = Ids.next();
        CompletableFuture<ExecutionDoc> handle = waiters.register(id);
        ExecutionDoc doc;
        try {
            doc = executions.create(id, serviceId, create, who, who.username(), null, null);
        } catch (RuntimeException refused) {
            waiters.release(id);
            throw refused;
        }
        if (!doc.id().equals(id)) { // the execution this idempotency key created before
            waiters.release(id);
            return Response.status(201).entity(waitFor(doc.id(), waitAtMost, who)).build();
        }
        ExecutionDoc done = waiters.await(id, handle, waitAtMost);
        return Response.status(201).entity(done != null ? done : executions.get(id, who)).build();
    }

    @GET
    @Path("executions/{id}")
    public ExecutionDoc get(@PathParam("id") String id) {
        return executions.get(id, caller.current());
    }

    @GET
    @Path("executions")
    public Page<ExecutionDoc> list(@QueryParam("projectId") String projectId, @QueryParam("serviceId") String serviceId,
                                   @QueryParam("status") String status, @QueryParam("functionName") String functionName,
                                   @QueryParam("triggerId") String triggerId, @QueryParam("since") String since,
                                   @QueryParam("page") Integer page, @QueryParam("pageSize") Integer pageSize) {
        Caller who = caller.current();
        return queries.list(new ExecutionQueries.Filter(projectId, serviceId, status, functionName, triggerId,
                instant("since", since)), PageRequest.of(page, pageSize), who);
    }

    @POST
    @Path("executions/{id}/terminate")
    @Consumes(MediaType.WILDCARD)
    public ExecutionDoc terminate(@PathParam("id") String id) {
        return executions.terminate(id, caller.current());
    }

    @POST
    @Path("executions/{id}/rerun")
    @Consumes(MediaType.WILDCARD)
    public Response rerun(@PathParam("id") String id) {
        return Response.status(201).entity(executions.rerun(id, caller.current())).build();
    }

    /** {@code POST /executions/{id}/progress} body. */
    public record ProgressBody(String status, Integer percentComplete, String message) {
    }

    @POST
    @Path("executions/{id}/progress")
    @Consumes(MediaType.APPLICATION_JSON)
    public ExecutionDoc progress(@PathParam("id") String id, ProgressBody body) {
        Caller who = caller.current();
        ProgressBody progress = Refusal.requireBody(body);
        return executions.reportProgress(id, progress.percentComplete(), progress.message(), who);
    }

    @GET
    @Path("executions/{id}/wait")
    public ExecutionDoc waitFor(@PathParam("id") String id, @QueryParam("timeout") Integer timeout) {
        return waitFor(id, waitTimeout(timeout), caller.current());
    }

    @GET
    @Path("executions/{id}/curl")
    public Map<String, String> curl(@PathParam("id") String id, @jakarta.ws.rs.core.Context UriInfo uri) {
        ExecutionDoc doc = executions.get(id, caller.current());
        String body = dev.runnel.kit.db.Db.json(Map.of("functionName", doc.functionName(), "projectId",
                doc.projectId(), "input", doc.input()));
        String url = uri.getBaseUri().resolve("executions/" + doc.serviceId()).toString();
        return Map.of("curl", "curl -X POST '" + url + "' -H \"Authorization: Bearer $TOKEN\""
                + " -H 'Content-Type: application/json' -d '" + body.replace("'", "'\\''") + "'");
    }

    @GET
    @Path("executions/{id}/logs")
    public Map<String, Object> logs(@PathParam("id") String id) {
        ExecutionDoc doc = executions.get(id, caller.current());
        return Map.of("logs", queries.logs(doc.serviceId(), id, null, null, null, 0, 10_000));
    }

    @POST
    @Path("services/logs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> logQuery(LogQuery body) {
        Caller who = caller.current();
        LogQuery query = Refusal.requireBody(body);
        if (query.executionId() != null) {
            ExecutionDoc doc = executions.get(query.executionId(), who);
            return page(doc.serviceId(), query, Boolean.TRUE.equals(query.follow()) && !doc.isTerminal());
        }
        if (query.serviceId() == null) {
            throw Refusal.invalid("serviceId", "is required (or executionId)");
        }
        queries.checkServiceReadable(query.serviceId(), who);
        return page(query.serviceId(), query, Boolean.TRUE.equals(query.follow()));
    }

    /**
     * One page of log lines after the checkpoint. A page with lines has {@code stop: false}; the
     * last page is empty with {@code stop: true}, except while a followed execution still runs.
     */
    private Map<String, Object> page(String serviceId, LogQuery query, boolean keepFollowing) {
        long checkpoint;
        try {
            checkpoint = query.checkpoint() == null || query.checkpoint().isBlank() ? 0 : Long.parseLong(query.checkpoint());
        } catch (NumberFormatException e) {
            throw Refusal.invalid("checkpoint", "is not a checkpoint of this API");
        }
        List<ExecutionQueries.LogLine> lines = queries.logs(serviceId, query.executionId(), query.text(),
                instant("start", query.start()), instant("end", query.end()), checkpoint, 500);
        long next = lines.isEmpty() ? checkpoint : lines.get(lines.size() - 1).id();
        return Map.of("logs", lines.stream().map(l -> Map.of("timestamp", l.timestamp().toString(), "message",
                l.message())).toList(), "checkpoint", String.valueOf(next), "stop", lines.isEmpty() && !keepFollowing);
    }

    /** How long a client may wait: {@code timeout} seconds (60 when not given), at most the configured limit. */
    private Duration waitTimeout(Integer timeoutSeconds) {
        long seconds = timeoutSeconds == null ? 60 : timeoutSeconds;
        if (seconds < 0 || seconds > config.maxWait().toSeconds()) {
            throw Refusal.invalid("timeout", "must be between 0 and " + config.maxWait().toSeconds() + " seconds");
        }
        return Duration.ofSeconds(seconds);
    }

    private ExecutionDoc waitFor(String id, Duration timeout, Caller who) {
        CompletableFuture<ExecutionDoc> handle = waiters.register(id);
        ExecutionDoc doc;
        try {
            doc = executions.get(id, who); // also checks that the caller may read it
        } catch (RuntimeException notThereOrNotYours) {
            waiters.release(id); // else every wait on a made-up id would leave a waiter behind
            throw notThereOrNotYours;
        }
        if (doc.isTerminal()) {
            waiters.release(id);
            return doc;
        }
        ExecutionDoc done = waiters.await(id, handle, timeout);
        return done != null ? done : executions.get(id, who);
    }

    private static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw Refusal.invalid(field, "'" + value + "' is not an ISO-8601 instant");
        }
    }
}
