package dev.runnel.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link RunnelInfrastructure} plus a real bot-service (from its jar), for services that verify
 * tokens and ask bot-service for bots. Tests get identities from {@link Identities}.
 */
public class RunnelPlatform extends RunnelInfrastructure {

    private static ServiceProcess botService;

    /** Starts bot-service once per test JVM. */
    public static synchronized String botServiceUrl() {
        if (botService == null) {
            ensureStarted();
            botService = ServiceProcess.start("bot-service", Map.of(
                    "RUNNEL_KAFKA", kafka().bootstrapServers(),
                    "RUNNEL_HOME", home().toString(),
                    "RUNNEL_BOT_SIGNING_KEY", TestTokens.signingKeyJwk()));
            Runtime.getRuntime().addShutdownHook(new Thread(botService::close, "runnel-bot-service-stop"));
        }
        return botService.url();
    }

    /** Kills bot-service (as a crash would) and starts it again on the same port. */
    public static synchronized void restartBotService() {
        botServiceUrl();
        botService.restart();
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String bot = botServiceUrl();
        config.put("mp.jwt.verify.publickey.location", bot + "/api/v1/.well-known/jwks.json");
        config.put("quarkus.rest-client.bot.url", bot);
        return config;
    }
}
