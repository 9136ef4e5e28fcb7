package dev.runnel.registry.service;

import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.page.Page;
import dev.runnel.kit.page.PageRequest;
import dev.runnel.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.auth.CallerContext;
import dev.runnel.registry.status.ReplicaStatus;
import java.time.Instant;
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

/** REST edge of services (deployments): maps HTTP to {@link DeploymentService}. */
@Path("/services")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ServiceResource {

    private final DeploymentService deployments;
    private final ReplicaStatus replicas;
    private final CallerContext caller;

    public ServiceResource(DeploymentService deployments, ReplicaStatus replicas, CallerContext caller) {
        this.deployments = deployments;
        this.replicas = replicas;
        this.caller = caller;
    }

    /** The operational status of a service, with what its replicas last reported. */
    public record Status(String serviceId, String status, boolean active, int version, Integer readyReplicas,
                         Integer desiredReplicas, JsonNode errorInfo, Instant reportedAt) {
    }

    @POST
    public Response deploy(ServiceRequest request) {
        Caller who = caller.current();
        return Response.status(201).entity(deployments.deploy(Refusal.requireBody(request), who)).build();
    }

    @GET
    public Page<ServiceDoc> list(@QueryParam("projectId") String projectId, @QueryParam("name") String name,
                                 @QueryParam("packageId") String packageId, @QueryParam("page") Integer page,
                                 @QueryParam("pageSize") Integer pageSize) {
        return deployments.list(projectId, name, packageId, PageRequest.of(page, pageSize), caller.current());
    }

    @GET
    @Path("{id}")
    public ServiceDoc get(@PathParam("id") String id) {
        return deployments.get(id, caller.current());
    }

    @PATCH
    @Path("{id}")
    public ServiceDoc update(@PathParam("id") String id, ServiceRequest request) {
        Caller who = caller.current();
        return deployments.update(id, Refusal.requireBody(request), who);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        deployments.delete(id, caller.current());
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/revisions")
    public Page<ServiceDoc> revisions(@PathParam("id") String id, @QueryParam("page") Integer page,
                                      @QueryParam("pageSize") Integer pageSize) {
        return deployments.revisions(id, PageRequest.of(page, pageSize), caller.current());
    }

    @GET
    @Path("{id}/revisions/{version}")
    public ServiceDoc revision(@PathParam("id") String id, @PathParam("version") int version) {
        return deployments.revision(id, version, caller.current());
    }

    @POST
    @Path("{id}/revisions/{version}/restore")
    @Consumes(MediaType.WILDCARD)
    public ServiceDoc restore(@PathParam("id") String id, @PathParam("version") int version) {
        return deployments.restore(id, version, caller.current());
    }

    @POST
    @Path("{id}/stop")
    @Consumes(MediaType.WILDCARD)
    public ServiceDoc stop(@PathParam("id") String id) {
        return deployments.setActive(id, false, caller.current());
    }

    @POST
    @Path("{id}/resume")
    @Consumes(MediaType.WILDCARD)
    public ServiceDoc resume(@PathParam("id") String id) {
        return deployments.setActive(id, true, caller.current());
    }

    /**
     * Inactive when stopped; otherwise what the operator last reported for the current version:
     * Initializing until it reports, Active once a replica is ready, Error with the reason.
     */
    @GET
    @Path("{id}/status")
    public Status status(@PathParam("id") String id) {
        ServiceDoc doc = deployments.get(id, caller.current());
        if (!doc.active()) {
            return new Status(doc.id(), "Inactive", false, doc.version(), null, null, null, null);
        }
        return replicas.of(id).filter(r -> r.version() == doc.version() || "Error".equals(r.status()))
                .map(r -> new Status(doc.id(), r.status(), true, doc.version(), r.readyReplicas(), r.desiredReplicas(),
                        r.error(), r.updatedAt()))
                .orElse(new Status(doc.id(), "Initializing", true, doc.version(), 0, null, null, null));
    }
}
