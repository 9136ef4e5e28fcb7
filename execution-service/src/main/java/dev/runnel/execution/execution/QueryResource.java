package dev.runnel.execution.execution;

import dev.runnel.auth.CallerContext;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.web.FaasQuery;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /query/faas} for executions: a DQL filter over their JSON, in the caller's projects. */
@Path("/query/faas")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class QueryResource {

    private final ExecutionRepository executions;
    private final CallerContext caller;

    public QueryResource(ExecutionRepository executions, CallerContext caller) {
        this.executions = executions;
        this.caller = caller;
    }

    @POST
    public Page<ExecutionDoc> query(FaasQuery query) {
        return executions.query(Refusal.requireBody(query).requireResource("executions").query(),
                caller.current().readableProjects());
    }
}
