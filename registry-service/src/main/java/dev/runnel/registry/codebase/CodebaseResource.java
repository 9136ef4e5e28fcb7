package dev.runnel.registry.codebase;

import dev.runnel.contracts.CodebaseRef;
import dev.runnel.kit.error.Refusal;
import dev.runnel.auth.Caller;
import dev.runnel.auth.CallerContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Codebase upload (a zip as the body or as the multipart part {@code file}) and download. */
@Path("/codebases")
@Produces(MediaType.APPLICATION_JSON)
public class CodebaseResource {

    public static final String ZIP = "application/zip";

    private final CodebaseService codebases;
    private final CallerContext caller;

    public CodebaseResource(CodebaseService codebases, CallerContext caller) {
        this.codebases = codebases;
        this.caller = caller;
    }

    @POST
    @Consumes({ZIP, "application/x-zip-compressed", MediaType.APPLICATION_OCTET_STREAM})
    public Response upload(java.nio.file.Path body, @QueryParam("projectId") String projectId) {
        return answer(codebases.store(body, projectId, caller.current()));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response uploadForm(@RestForm("file") FileUpload file, @QueryParam("projectId") String queryProject,
                               @RestForm("projectId") String formProject) {
        Caller who = caller.current();
        if (file == null) {
            throw Refusal.invalid("file", "the multipart form has no part named 'file'");
        }
        return answer(codebases.store(file.uploadedFile(), queryProject != null ? queryProject : formProject, who));
    }

    @GET
    @Path("{id}")
    @Produces(ZIP)
    public Response download(@PathParam("id") String id) {
        byte[] bytes = codebases.bytes(id, caller.current());
        return Response.ok(bytes, ZIP).header("Content-Disposition", "attachment; filename=\"" + id + ".zip\"")
                .header("ETag", "\"" + id + "\"").build();
    }

    @GET
    @Path("{id}/info")
    public CodebaseRef info(@PathParam("id") String id) {
        return codebases.get(id, caller.current());
    }

    private static Response answer(CodebaseService.Stored stored) {
        return Response.status(stored.created() ? 201 : 200).entity(stored.ref()).build();
    }
}
