package dev.runnel.trigger.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.auth.CallerContext;
import dev.runnel.contracts.Module;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.web.Bodies;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** REST edge of triggers. */
@Path("/triggers")
@Produces(MediaType.APPLICATION_JSON)
public class TriggerResource {

    private final TriggerService triggers;
    private final CallerContext caller;

    public TriggerResource(TriggerService triggers, CallerContext caller) {
        this.triggers = triggers;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonNode body) {
        return Response.status(201).entity(triggers.create(Bodies.strict(body, TriggerRequest.class), caller.current()))
                .build();
    }

    /** {@code POST /triggers/check} body: the triggers of a service JSON, and the module they will run. */
    public record Check(String projectId, String serviceId, Module module, List<JsonNode> triggers) {
    }

    /** Checks the triggers of a service JSON before the registry deploys it: 204, or a 400 naming the bad field. */
    @POST
    @Path("check")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response check(Check check) {
        Check body = Refusal.requireBody(check);
        triggers.checkDefinitions(body.projectId(), body.serviceId(), body.module(), body.triggers(), caller.current());
        return Response.noContent().build();
    }

    @GET
    @Path("{id}")
    public TriggerDoc get(@PathParam("id") String id) {
        return triggers.get(id, caller.current());
    }

    @GET
    public Page<TriggerDoc> list(@QueryParam("projectId") String projectId, @QueryParam("serviceId") String serviceId,
                                 @QueryParam("page") Integer page, @QueryParam("pageSize") Integer pageSize) {
        return triggers.list(projectId, serviceId, PageRequest.of(page, pageSize), caller.current());
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public TriggerDoc update(@PathParam("id") String id, JsonNode body) {
        return triggers.update(id, Bodies.strict(body, TriggerRequest.Patch.class), caller.current());
    }

    @POST
    @Path("{id}/activate")
    @Consumes(MediaType.WILDCARD)
    public TriggerDoc activate(@PathParam("id") String id) {
        return triggers.update(id, new TriggerRequest.Patch(true, null, null), caller.current());
    }

    @POST
    @Path("{id}/deactivate")
    @Consumes(MediaType.WILDCARD)
    public TriggerDoc deactivate(@PathParam("id") String id) {
        return triggers.update(id, new TriggerRequest.Patch(false, null, null), caller.current());
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        triggers.delete(id, caller.current());
        return Response.noContent().build();
    }
}
