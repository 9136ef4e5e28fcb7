package dev.runnel.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.auth.Caller;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.Module;
import dev.runnel.kit.error.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The triggers of a service JSON are trigger-service's to judge: the registry asks it before it
 * writes anything, so a bad trigger fails the deploy and nothing is created (ADR 0008).
 */
@ApplicationScoped
public class TriggerCheck {

    private final TriggerClient triggers;

    public TriggerCheck(@RestClient TriggerClient triggers) {
        this.triggers = triggers;
    }

    /**
     * The triggers to keep with the service (null for none); refuses bad ones with a 400 naming them.
     *
     * @param serviceId the service when it exists already (its hand-made triggers' names are taken), else null
     */
    public List<JsonNode> check(List<JsonNode> requested, String projectId, String serviceId, Module module,
                                Caller caller) {
        if (requested == null || requested.isEmpty()) {
            return null;
        }
        try {
            triggers.check("Bearer " + caller.rawToken(), new TriggerClient.Check(projectId, serviceId, module, requested));
            return List.copyOf(requested);
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 400) {
                JsonNode problem = problem(e);
                throw Refusal.invalid(problem.path("field").asText("triggers"),
                        problem.path("detail").asText(problem.path("message").asText("a trigger is not valid")));
            }
            throw Refusal.unavailable("trigger-service answered " + status + " when checking the triggers;"
                    + " nothing was deployed");
        } catch (ProcessingException e) {
            throw Refusal.unavailable("trigger-service is unreachable, so the triggers cannot be checked;"
                    + " nothing was deployed");
        }
    }

    private static JsonNode problem(WebApplicationException e) {
        try {
            return Json.mapper().readTree(e.getResponse().readEntity(String.class));
        } catch (Exception unreadable) {
            return Json.mapper().createObjectNode();
        }
    }
}
