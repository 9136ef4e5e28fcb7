package dev.runnel.bot.user;

import dev.runnel.bot.token.Caller;
import dev.runnel.bot.token.CallerContext;
import dev.runnel.kit.error.Refusal;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Users (created by an admin), the caller itself, and the caller's API keys. */
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {

    private final UserService users;
    private final CallerContext caller;

    public UserResource(UserService users, CallerContext caller) {
        this.users = users;
        this.caller = caller;
    }

    /** {@code POST /users} body. */
    public record NewUser(String username, String email) {
    }

    /** A new user and its first API key, shown this once. */
    public record CreatedUser(UserService.User user, String apiKey) {
    }

    /** The caller, with its roles per project. */
    public record Me(String id, String username, String email, String kind, boolean admin,
                     Map<String, String> projects) {
    }

    /** {@code POST /users/me/apikeys} body. */
    public record NewKey(String name) {
    }

    @POST
    @Transactional
    public Response create(NewUser body) {
        if (!caller.current().admin()) {
            throw Refusal.notPermitted("only an admin creates users");
        }
        NewUser request = Refusal.requireBody(body);
        UserService.User user = users.create(request.username(), request.email(), "user", false);
        String key = users.newKey(user.id(), "first key").key();
        return Response.status(201).entity(new CreatedUser(user, key)).build();
    }

    @GET
    @Path("me")
    public Me me() {
        Caller me = caller.current();
        UserService.User user = users.get(me.userId());
        return new Me(user.id(), user.username(), user.email(), user.kind(), user.admin(), users.roles(user.id()));
    }

    @GET
    @Path("me/apikeys")
    public List<UserService.KeyInfo> keys() {
        return users.keys(caller.current().userId());
    }

    @POST
    @Path("me/apikeys")
    public Response newKey(NewKey body) {
        caller.current().mustNotBeABot("mint API keys");
        String name = body == null ? null : body.name();
        return Response.status(201).entity(users.newKey(caller.current().userId(), name)).build();
    }

    @DELETE
    @Path("me/apikeys/{keyId}")
    public Response revoke(@PathParam("keyId") String keyId) {
        users.revoke(caller.current().userId(), keyId);
        return Response.noContent().build();
    }
}
