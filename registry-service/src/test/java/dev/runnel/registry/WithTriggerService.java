package dev.runnel.registry;

import dev.runnel.testsupport.PostgresCluster;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.ServiceProcess;
import java.util.HashMap;
import java.util.Map;

/** {@link RunnelPlatform} plus a real trigger-service (from its jar), which judges the triggers of a service JSON. */
public class WithTriggerService extends RunnelPlatform {

    private static ServiceProcess triggerService;

    static synchronized String triggerServiceUrl() {
        if (triggerService == null) {
            String bot = botServiceUrl();
            triggerService = ServiceProcess.start("trigger-service", Map.of(
                    "RUNNEL_DB_URL", postgres().jdbcUrl(),
                    "RUNNEL_DB_USER", PostgresCluster.USER,
                    "RUNNEL_KAFKA", kafka().bootstrapServers(),
                    "RUNNEL_JWKS_URL", bot + "/api/v1/.well-known/jwks.json",
                    "RUNNEL_OUTBOX_INTERVAL", "0.2s"));
            Runtime.getRuntime().addShutdownHook(new Thread(triggerService::close, "runnel-trigger-service-stop"));
        }
        return triggerService.url();
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("quarkus.rest-client.trigger.url", triggerServiceUrl());
        return config;
    }
}
