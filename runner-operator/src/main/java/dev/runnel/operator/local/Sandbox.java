package dev.runnel.operator.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where a local replica runs (ADR 16): in mount and PID namespaces of its own, made with util-linux's
 * {@code unshare} and {@code setpriv}. It sees none of the state folder (the admin key, the bus's
 * passwords, the database's files and socket, other services' replicas, the logs), only its own folder,
 * the runner jar's folder, the Python runtime and the class archive, bound under {@code /run/runnel}; it sees no
 * process but its own; and it runs with no capabilities and no way to gain any. When the operator runs
 * as root, a replica runs as an unprivileged user of its own service ({@link #uidOf}), not as root.
 * Code in it still reaches the network: Kafka and the gateway, which want its credentials, and
 * PostgreSQL, which wants a password it does not have.
 */
final class Sandbox {

    /** Where a sandboxed replica finds its things. */
    static final Path INSIDE = Path.of("/run/runnel");
    static final Path REPLICA = INSIDE.resolve("replica");
    /** the runner jar's folder: the jar finds its libraries beside it ({@code lib/}) */
    static final Path RUNNER = INSIDE.resolve("runner");
    static final Path RUNTIME = INSIDE.resolve("runtime");
    static final Path ARCHIVES = INSIDE.resolve("cds");

    /**
     * Run by {@code unshare} as root of the new namespaces: hides the state folder and the host's /run,
     * binds what the replica needs, gives its folder to its user, then drops to that user with no
     * capabilities (setpriv) and runs the command. Arguments: state, replica folder, the jar's folder, runtime,
     * archives, "rw" or "ro" for the archives, the user ("-" to stay), then the command.
     */
    private static final String SETUP = String.join("\n",
            "set -eu",
            "state=$1 own=$2 runner=$3 runtime=$4 cds=$5 cdsmode=$6 user=$7; shift 7",
            "mkdir -p \"$cds\"",
            "exec 3<\"$own\" 4<\"$runtime\" 5<\"$cds\" 6<\"$runner\"",
            "mount -t tmpfs -o mode=0755,size=1m runnel-run /run",
            "mkdir -p " + REPLICA + " " + RUNTIME + " " + ARCHIVES + " " + RUNNER,
            "mount --bind /proc/self/fd/3 " + REPLICA,
            "mount --bind /proc/self/fd/4 " + RUNTIME,
            "mount -o remount,bind,ro " + RUNTIME,
            "mount --bind /proc/self/fd/5 " + ARCHIVES,
            "[ \"$cdsmode\" = rw ] || mount -o remount,bind,ro " + ARCHIVES,
            "mount --bind /proc/self/fd/6 " + RUNNER,
            "mount -o remount,bind,ro " + RUNNER,
            "mount -t tmpfs -o mode=0755,size=64k runnel-hidden \"$state\"",
            "exec 3<&- 4<&- 5<&- 6<&-",
            "cd " + REPLICA,
            "if [ \"$user\" = - ]; then",
            "  exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all -- \"$@\"",
            "fi",
            "chown -R \"$user:$user\" " + REPLICA,
            "exec setpriv --reuid=\"$user\" --regid=\"$user\" --clear-groups --no-new-privs --inh-caps=-all"
                    + " --bounding-set=-all -- \"$@\"");

    private final Path state;
    private final Path jar;
    private final Path runtime;
    private final boolean root;

    private Sandbox(Path state, Path jar, Path runtime, boolean root) {
        this.state = state;
        this.jar = jar;
        this.runtime = runtime;
        this.root = root;
    }

    /**
     * The sandbox of this machine, tried once: an operator that cannot make one refuses to start replicas
     * rather than run users' code beside the platform's secrets.
     */
    static Sandbox make(Path state, Path jar, Path runtime) {
        boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        Sandbox sandbox = new Sandbox(state, jar, runtime, root);
        String failure = sandbox.probe();
        if (failure != null) {
            throw new IllegalStateException("cannot run local replicas in a sandbox (" + failure + "): they need"
                    + " util-linux's unshare and setpriv, and unprivileged user namespaces when the operator is not"
                    + " root; set runnel.operator.local-sandbox=false to run them without one, beside your secrets");
        }
        return sandbox;
    }

    /** The user a service's replicas run as when the operator is root: unprivileged, and one per service. */
    static int uidOf(String serviceId) {
        return 200_000 + Math.floorMod(serviceId.hashCode(), 800_000);
    }

    /** The runner jar as a sandboxed replica sees it. */
    Path jarInside() {
        return RUNNER.resolve(jar.getFileName());
    }

    /** {@code command}, run in the sandbox of a replica of {@code serviceId} whose folder is {@code own}. */
    List<String> wrap(String serviceId, Path own, Path archives, List<String> command) {
        return wrap(String.valueOf(uidOf(serviceId)), own, archives, false, command);
    }

    /**
     * The runner's own warm-up (no user code), in a replica's layout so that the class archive it makes
     * records the paths replicas see, with the archives writable, and as the operator's user.
     */
    List<String> wrapTrusted(Path archives, List<String> command) {
        return wrap("-", archives, archives, true, command);
    }

    private List<String> wrap(String uid, Path own, Path archives, boolean archivesWritable, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("unshare"));
        if (!root) {
            wrapped.add("--map-root-user");
        }
        wrapped.addAll(List.of("--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--", "sh", "-c", SETUP,
                "runnel-sandbox", state.toString(), own.toString(), jar.getParent().toString(), runtime.toString(),
                archives.toString(), archivesWritable ? "rw" : "ro",
                root ? uid : "-"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Null when a sandboxed command runs here, or why not. */
    private String probe() {
        try {
            Path scratch = java.nio.file.Files.createTempDirectory("runnel-sandbox-probe-");
            try {
                Process process = new ProcessBuilder(wrap("probe", scratch, scratch.resolve("cds"),
                        List.of("true"))).redirectErrorStream(true).start();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return "the probe did not end";
                }
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
            } finally {
                try (var paths = java.nio.file.Files.walk(scratch)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
