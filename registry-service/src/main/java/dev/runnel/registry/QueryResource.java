package dev.runnel.registry;

import dev.runnel.auth.Caller;
import dev.runnel.auth.CallerContext;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.web.FaasQuery;
import dev.runnel.registry.pkg.PackageService;
import dev.runnel.registry.service.ServiceRepository;
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

    private final PackageService packages;
    private final ServiceRepository services;
    private final CallerContext caller;

    public QueryResource(PackageService packages, ServiceRepository services, CallerContext caller) {
        this.packages = packages;
        this.services = services;
        this.caller = caller;
    }

    @POST
    public Page<?> query(FaasQuery query) {
        Caller who = caller.current();
        FaasQuery q = Refusal.requireBody(query).requireResource("packages", "services");
        return q.resource().equals("packages") ? packages.query(q.query(), who.readableProjects())
                : services.query(q.query(), who.readableProjects());
    }
}
