package dev.runnel.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Module;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The call the registry makes to trigger-service, on behalf of (with the token of) its caller. */
@RegisterRestClient(configKey = "trigger")
@Path("/api/v1/triggers")
public interface TriggerClient {

    /** The triggers of a service JSON, and the module they will run. */
    record Check(String projectId, String serviceId, Module module, List<JsonNode> triggers) {
    }

    /** 204 when every trigger is valid for the module; a 400 problem naming the bad field otherwise. */
    @POST
    @Path("check")
    void check(@HeaderParam("Authorization") String authorization, Check check);
}
