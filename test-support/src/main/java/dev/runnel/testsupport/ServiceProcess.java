package dev.runnel.testsupport;

import dev.runnel.contracts.BusGrants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Another Runnel service, run from its built jar as a child process of the tests, for a service
 * whose behaviour depends on it (registry-service asks bot-service for bots on every deploy).
 */
public final class ServiceProcess implements AutoCloseable {

    private final String module;
    private final int port;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    private ServiceProcess(String module, int port, Map<String, String> environment, Process process, Path log) {
        this.module = module;
        this.port = port;
        this.environment = environment;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code module}'s quarkus-run.jar with the environment given, and waits until it is ready. */
    public static ServiceProcess start(String module, Map<String, String> environment) {
        try {
            Path log = Files.createTempFile("runnel-" + module + "-", ".log");
            int port = Processes.freePort();
            ServiceProcess service = new ServiceProcess(module, port, environment, launch(module, port, environment, log),
                    log);
            service.awaitReady(Duration.ofSeconds(90));
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Process launch(String module, int port, Map<String, String> environment, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Processes.javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", locate(module).toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the test's database and its password; the caller's environment may still say otherwise
        builder.environment().putAll(RunnelInfrastructure.postgres().environment());
        if (BusGrants.PRINCIPALS.contains(module)) {
            builder.environment().putAll(RunnelInfrastructure.kafka().loginEnvironment(module));
        }
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return builder.start();
    }

    /** Kills the service (as a crash would) and starts it again on the same port. */
    public synchronized void restart() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            process = launch(module, port, environment, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        awaitReady(Duration.ofSeconds(90));
    }

    private static Path locate(String module) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path jar = dir.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
            if (Files.isRegularFile(jar)) {
                return jar;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(module + " is not built: run 'mvn -DskipTests install -pl " + module
                + " -am' first (the reactor build does it)");
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited: " + Processes.tail(log));
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Processes.sleep(200);
        }
        throw new IllegalStateException(module + " was not ready after " + timeout + ": " + Processes.tail(log));
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // a leftover log in the temporary folder
        }
    }
}
