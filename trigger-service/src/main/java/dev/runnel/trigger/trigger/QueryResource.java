package dev.runnel.trigger.trigger;

import dev.runnel.auth.CallerContext;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.web.FaasQuery;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /query/faas} for triggers: a DQL filter over their JSON, in the caller's projects. */
@Path("/query/faas")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class QueryResource {

    private final TriggerRepository triggers;
    private final CallerContext caller;

    public QueryResource(TriggerRepository triggers, CallerContext caller) {
        this.triggers = triggers;
        this.caller = caller;
    }

    @POST
    public Page<TriggerDoc> query(FaasQuery query) {
        return triggers.query(Refusal.requireBody(query).requireResource("triggers").query(),
                caller.current().readableProjects());
    }
}
