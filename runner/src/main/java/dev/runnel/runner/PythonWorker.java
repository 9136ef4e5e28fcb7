package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Python worker process of this replica ({@code python3 -m runnel.worker}), and the JSON-lines
 * protocol with it: messages from the worker go to the listener, in the order it sent them.
 */
final class PythonWorker implements AutoCloseable {

    private final Process process;
    private final BufferedWriter in;
    private final Thread reader;

    private PythonWorker(Process process, Consumer<JsonNode> listener) {
        this.process = process;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.reader = new Thread(() -> read(listener), "python-worker-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Starts the worker and sends it init; the listener hears {@code ready} or {@code init-failed}. */
    static PythonWorker start(RunnerConfig config, Path codebase, Consumer<JsonNode> listener) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(config.python(), "-u", "-m", "runnel.worker",
                "--codebase", codebase.toString(),
                "--entry-point", config.spec().module().entryPoint(),
                "--class-name", config.spec().module().className(),
                "--concurrency", String.valueOf(config.spec().runtime().concurrency()))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        String pythonPath = config.runtimeDir().toAbsolutePath() + java.io.File.pathSeparator + codebase;
        builder.environment().put("PYTHONPATH", pythonPath);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        builder.environment().put("RUNNEL_SERVICE_ID", config.spec().serviceId());
        builder.environment().put("RUNNEL_PROJECT_ID", config.spec().projectId());
        PythonWorker worker = new PythonWorker(builder.start(), listener);
        worker.send(Map.of("type", "init", "initParams", config.spec().initParams() == null ? Map.of()
                : config.spec().initParams()));
        return worker;
    }

    synchronized void send(Object message) throws IOException {
        in.write(Json.mapper().writeValueAsString(message));
        in.write('\n');
        in.flush();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void read(Consumer<JsonNode> listener) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                listener.accept(Json.mapper().readTree(line));
            }
        } catch (IOException e) {
            // the worker went away; the replica sees it through isAlive()
        }
        listener.accept(Json.mapper().createObjectNode().put("type", "exited"));
    }

    /** Stops the worker: politely, then by force. */
    @Override
    public void close() {
        try {
            send(Map.of("type", "shutdown"));
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    void kill() {
        process.destroyForcibly();
    }
}
