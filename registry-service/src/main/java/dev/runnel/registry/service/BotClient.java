package dev.runnel.registry.service;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The calls the registry makes to bot-service, always on behalf of (with the token of) its caller. */
@RegisterRestClient(configKey = "bot")
@Path("/api/v1/projects/{projectId}")
public interface BotClient {

    /** A bot as bot-service answers it. */
    record Bot(String id, String name, String userName, String projectId) {
    }

    /** A member of a project as bot-service answers it. */
    record Member(String userId, String username, String kind, String role) {
    }

    @PUT
    @Path("bots/default")
    Bot defaultBot(@HeaderParam("Authorization") String authorization, @PathParam("projectId") String projectId);

    @GET
    @Path("bots/{bot}")
    Bot bot(@HeaderParam("Authorization") String authorization, @PathParam("projectId") String projectId,
            @PathParam("bot") String bot);

    @GET
    @Path("members/{user}")
    Member member(@HeaderParam("Authorization") String authorization, @PathParam("projectId") String projectId,
                  @PathParam("user") String user);
}
