package dev.runnel.registry.pkg;

import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import dev.runnel.auth.Caller;
import dev.runnel.auth.CallerContext;
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

/** REST edge of packages: maps HTTP to {@link PackageService}. */
@Path("/packages")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PackageResource {

    private final PackageService packages;
    private final CallerContext caller;

    public PackageResource(PackageService packages, CallerContext caller) {
        this.packages = packages;
        this.caller = caller;
    }

    @POST
    public Response push(PackageRequest request) {
        Caller who = caller.current();
        PackageDoc doc = packages.push(Refusal.requireBody(request), who);
        return Response.status(201).entity(doc).build();
    }

    @GET
    public Page<PackageDoc> list(@QueryParam("projectId") String projectId, @QueryParam("name") String name,
                                 @QueryParam("page") Integer page, @QueryParam("pageSize") Integer pageSize) {
        return packages.list(projectId, name, PageRequest.of(page, pageSize), caller.current());
    }

    @GET
    @Path("{id}")
    public PackageDoc get(@PathParam("id") String id) {
        return packages.get(id, caller.current());
    }

    @PATCH
    @Path("{id}")
    public PackageDoc update(@PathParam("id") String id, PackageRequest request) {
        Caller who = caller.current();
        return packages.update(id, Refusal.requireBody(request), who);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @QueryParam("force") boolean force) {
        packages.delete(id, force, caller.current());
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/revisions")
    public Page<PackageDoc> revisions(@PathParam("id") String id, @QueryParam("page") Integer page,
                                      @QueryParam("pageSize") Integer pageSize) {
        return packages.revisions(id, PageRequest.of(page, pageSize), caller.current());
    }

    @GET
    @Path("{id}/revisions/{revision}")
    public PackageDoc revision(@PathParam("id") String id, @PathParam("revision") int revision) {
        return packages.revision(id, revision, caller.current());
    }
}
