package dev.runnel.bot.project;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runnel.bot.token.Caller;
import dev.runnel.bot.token.CallerContext;
import dev.runnel.bot.user.UserService;
import dev.runnel.contracts.Json;
import dev.runnel.kit.error.Refusal;
import dev.runnel.kit.web.ProblemMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** REST edge of projects, members and bots. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProjectResource {

    private final ProjectService projects;
    private final BotService bots;
    private final CallerContext caller;

    public ProjectResource(ProjectService projects, BotService bots, CallerContext caller) {
        this.projects = projects;
        this.bots = bots;
        this.caller = caller;
    }

    /** {@code POST /projects} body. */
    public record NewProject(String name) {
    }

    /** {@code POST /projects/{pid}/members} body: a user id or username, and a role. */
    public record NewMember(String userId, String username, String role) {
    }

    /** {@code PATCH /projects/{pid}/members/{userId}} body. */
    public record RoleChange(String role) {
    }

    /** {@code POST /projects/{pid}/bots} body. */
    public record NewBot(String name, Boolean returnCredentials) {
    }

    @POST
    @Path("projects")
    public Response create(NewProject body) {
        return Response.status(201).entity(projects.create(Refusal.requireBody(body).name(), caller.current()))
                .build();
    }

    @GET
    @Path("projects")
    public List<ProjectService.Project> list() {
        return projects.mine(caller.current());
    }

    @GET
    @Path("projects/{pid}")
    public ProjectService.Project get(@PathParam("pid") String pid) {
        return projects.get(pid, caller.current());
    }

    @GET
    @Path("projects/{pid}/members")
    public List<ProjectService.Member> members(@PathParam("pid") String pid) {
        return projects.members(pid, caller.current());
    }

    @GET
    @Path("projects/{pid}/members/{userId}")
    public ProjectService.Member member(@PathParam("pid") String pid, @PathParam("userId") String userId) {
        return projects.member(pid, userId, caller.current());
    }

    @POST
    @Path("projects/{pid}/members")
    public Response addMember(@PathParam("pid") String pid, NewMember body) {
        NewMember member = Refusal.requireBody(body);
        return Response.status(201).entity(projects.add(pid, member.userId() != null ? member.userId()
                : member.username(), member.role(), caller.current())).build();
    }

    @PATCH
    @Path("projects/{pid}/members/{userId}")
    public ProjectService.Member changeRole(@PathParam("pid") String pid, @PathParam("userId") String userId,
                                            RoleChange body) {
        return projects.changeRole(pid, userId, Refusal.requireBody(body).role(), caller.current());
    }

    @DELETE
    @Path("projects/{pid}/members/{userId}")
    public Response removeMember(@PathParam("pid") String pid, @PathParam("userId") String userId) {
        projects.remove(pid, userId, caller.current());
        return Response.noContent().build();
    }

    @GET
    @Path("projects/{pid}/bots")
    public List<BotService.Bot> bots(@PathParam("pid") String pid) {
        return bots.list(pid, caller.current());
    }

    @POST
    @Path("projects/{pid}/bots")
    public Response createBot(@PathParam("pid") String pid, NewBot body) {
        NewBot bot = Refusal.requireBody(body);
        return Response.status(201).entity(bots.create(pid, bot.name(), bot.returnCredentials() == null
                || bot.returnCredentials(), caller.current())).build();
    }

    @PUT
    @Path("projects/{pid}/bots/default")
    @Consumes(MediaType.WILDCARD)
    public BotService.Bot defaultBot(@PathParam("pid") String pid) {
        return bots.defaultBot(pid, caller.current());
    }

    @GET
    @Path("projects/{pid}/bots/{botId}")
    public BotService.Bot bot(@PathParam("pid") String pid, @PathParam("botId") String botId) {
        return bots.get(pid, botId, caller.current());
    }

    @DELETE
    @Path("projects/{pid}/bots/{botId}")
    public Response deleteBot(@PathParam("pid") String pid, @PathParam("botId") String botId) {
        bots.delete(pid, botId, caller.current());
        return Response.noContent().build();
    }

    /** {@code POST /bots/{botId}/credentials} body: the service the credential is for (optional). */
    public record CredentialFor(String binding) {
    }

    @POST
    @Path("bots/{botId}/credentials")
    @Consumes(MediaType.WILDCARD)
    public Response credential(@PathParam("botId") String botId, String body) {
        // any content type, or none: the body is optional, and read only once the caller is known
        Caller who = caller.current();
        String binding = null;
        if (body != null && !body.isBlank()) {
            try {
                binding = Json.mapper().readValue(body, CredentialFor.class).binding();
            } catch (JsonProcessingException e) {
                throw ProblemMapper.invalid(e);
            }
        }
        UserService.CreatedKey key = bots.issueCredential(botId, binding, who);
        return Response.status(201).entity(key).build();
    }

    @DELETE
    @Path("bindings/{serviceId}")
    public Response endBinding(@PathParam("serviceId") String serviceId) {
        bots.endBinding(serviceId, caller.current());
        return Response.noContent().build();
    }
}
