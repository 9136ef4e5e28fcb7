package dev.runnel.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * protocol with it: messages from the worker go to the listener, in the order it sent them. The
 * lines are JSON trees read and written without data binding ({@link JsonTrees}): the worker says
 * it is ready, and the replica with it, before this JVM has built an {@code ObjectMapper}.
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

    /**
     * Starts {@code python3 -m runnel.worker} from the replica's environment alone (RUNNEL_PYTHON,
     * RUNNEL_RUNTIME_DIR), before the spec is read: the worker imports its runtime and waits for init.
     */
    static Process spawn(Map<String, String> env) throws IOException {
        String runtime = env.get("RUNNEL_RUNTIME_DIR");
        if (runtime == null || runtime.isBlank()) {
            throw new IllegalArgumentException("RUNNEL_RUNTIME_DIR is not set");
        }
        ProcessBuilder builder = new ProcessBuilder(env.getOrDefault("RUNNEL_PYTHON", "python3"), "-u", "-m",
                "runnel.worker").redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PYTHONPATH", Path.of(runtime).toAbsolutePath().toString());
        builder.environment().put("PYTHONUNBUFFERED", "1");
        return builder.start();
    }

    /** Speaks with a spawned worker; the listener hears its messages in order. */
    static PythonWorker attach(Process process, Consumer<JsonNode> listener) {
        return new PythonWorker(process, listener);
    }

    /** Tells the worker what to load and run; the listener then hears {@code ready} or {@code init-failed}. */
    void init(RunnerConfig config, Path codebase) throws IOException {
        ObjectNode init = JsonTrees.object().put("type", "init")
                .put("codebase", codebase.toAbsolutePath().toString())
                .put("entryPoint", config.spec().module().entryPoint())
                .put("className", config.spec().module().className())
                .put("concurrency", config.spec().runtime().concurrency())
                .put("serviceId", config.spec().serviceId())
                .put("projectId", config.spec().projectId());
        init.set("initParams", config.spec().initParams() == null ? JsonTrees.object() : config.spec().initParams());
        send(init);
    }

    synchronized void send(ObjectNode message) throws IOException {
        in.write(JsonTrees.write(message));
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
                listener.accept(JsonTrees.read(line));
            }
        } catch (IOException e) {
            // the worker went away; the replica sees it through isAlive()
        }
        listener.accept(JsonTrees.object().put("type", "exited"));
    }

    /** Stops the worker: politely, then by force. */
    @Override
    public void close() {
        try {
            send(JsonTrees.object().put("type", "shutdown"));
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
