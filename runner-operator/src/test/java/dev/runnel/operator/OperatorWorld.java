package dev.runnel.operator;

import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import dev.runnel.testsupport.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The platform the operator works in during its tests: every service from its jar, and the gateway. */
public class OperatorWorld extends RunnelPlatform {

    static String api;
    static ServiceProcess registry;
    static ServiceProcess execution;
    static ServiceProcess gateway;
    static ServiceProcess trigger;

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("examples"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        synchronized (OperatorWorld.class) {
            if (gateway == null) {
                String bot = botServiceUrl();
                Map<String, String> env = Map.of(
                        "RUNNEL_KAFKA", RunnelInfrastructure.kafka().bootstrapServers(),
                        "RUNNEL_JWKS_URL", bot + "/api/v1/.well-known/jwks.json",
                        "RUNNEL_BOT_URL", bot);
                trigger = ServiceProcess.start("trigger-service", env);
                Map<String, String> registryEnv = new HashMap<>(env);
                registryEnv.put("RUNNEL_TRIGGER_URL", trigger.url());
                registry = ServiceProcess.start("registry-service", registryEnv);
                Map<String, String> executionEnv = new HashMap<>(env);
                executionEnv.put("RUNNEL_EXECUTION_REPLICA_LOST_AFTER", "6s");
                executionEnv.put("RUNNEL_EXECUTION_RETRY_BACKOFF", "0.5s");
                execution = ServiceProcess.start("execution-service", executionEnv);
                gateway = ServiceProcess.start("gateway", Map.of("RUNNEL_REGISTRY_URL", registry.url(),
                        "RUNNEL_BOT_URL", bot, "RUNNEL_EXECUTION_URL", execution.url(),
                        "RUNNEL_TRIGGER_URL", trigger.url()));
                api = gateway.url() + "/api/v1";
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    gateway.close();
                    execution.close();
                    registry.close();
                    trigger.close();
                }));
            }
        }
        config.put("runnel.operator.api", api);
        config.put("runnel.operator.home", RunnelInfrastructure.home().toString());
        config.put("runnel.operator.runner-jar", root().resolve("runner/target/runnel-runner.jar").toString());
        config.put("runnel.operator.runtime-dir", root().resolve("sdk/python").toString());
        config.put("runnel.operator.bot-check-interval", "PT2S");
        return config;
    }
}
