package dev.runnel.execution.deadletter;

import dev.runnel.auth.CallerContext;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * REST edge of dead letters, for the admin: {@code GET /dead-letters} (newest first, by {@code topic}
 * and {@code consumer}), {@code GET /dead-letters/{id}} (with the record's value),
 * {@code POST /dead-letters/{id}/redrive}, and {@code POST /dead-letters/redrive} (every letter of a
 * topic or consumer never sent back, at most 1,000 at a time), like Fission's {@code dlq list/show/redrive}.
 */
@Path("/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private final DeadLetterDesk desk;
    private final CallerContext caller;

    public DeadLetterResource(DeadLetterDesk desk, CallerContext caller) {
        this.desk = desk;
        this.caller = caller;
    }

    /** {@code POST /dead-letters/redrive} body: which letters; none given: every one never sent back. */
    public record RedriveAll(String topic, String consumer) {
    }

    @GET
    public Page<DeadLetter> list(@QueryParam("topic") String topic, @QueryParam("consumer") String consumer,
                                 @QueryParam("page") Integer page, @QueryParam("pageSize") Integer pageSize) {
        return desk.list(topic, consumer, PageRequest.of(page, pageSize), caller.current());
    }

    @GET
    @Path("{id}")
    public DeadLetter get(@PathParam("id") String id) {
        return desk.get(id, caller.current());
    }

    @POST
    @Path("{id}/redrive")
    public DeadLetter redrive(@PathParam("id") String id) {
        return desk.redrive(id, caller.current());
    }

    @POST
    @Path("redrive")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Integer> redriveAll(RedriveAll body) {
        RedriveAll which = body == null ? new RedriveAll(null, null) : body;
        return Map.of("redriven", desk.redriveAll(which.topic(), which.consumer(), caller.current()));
    }
}
