package dev.runnel.registry;

import dev.runnel.auth.Caller;
import dev.runnel.auth.CallerContext;
import dev.runnel.kit.db.Db;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.web.FaasQuery;
import dev.runnel.kit.web.Page;
import dev.runnel.registry.pkg.PackageDoc;
import dev.runnel.registry.service.ServiceDoc;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /query/faas} for packages and services: a DQL filter over their JSON, in the caller's projects. */
@Path("/query/faas")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class QueryResource {

    private final Db db;
    private final CallerContext caller;

    public QueryResource(Db db, CallerContext caller) {
        this.db = db;
        this.caller = caller;
    }

    @POST
    public Page<?> query(FaasQuery query) {
        Caller who = caller.current();
        FaasQuery q = Refusal.requireBody(query).requireResource("packages", "services");
        return q.resource().equals("packages") ? q.run(db, "packages", who.readableProjects(), PackageDoc.class)
                : q.run(db, "services", who.readableProjects(), ServiceDoc.class);
    }
}
