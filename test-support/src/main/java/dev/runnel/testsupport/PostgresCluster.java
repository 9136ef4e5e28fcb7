package dev.runnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private PostgreSQL cluster of the system's binaries, in a temporary folder on a free port.
 * As root, the cluster is owned by the {@code postgres} user, since PostgreSQL refuses to run as root.
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String DATABASE = "runnel";
    public static final String USER = "postgres";

    private final String password = java.util.UUID.randomUUID().toString().replace("-", "");
    private final Path dir;
    private final Path log;
    private final int port;

    private PostgresCluster(Path dir, int port) {
        this.dir = dir;
        this.log = dir.resolve("postgres.log");
        this.port = port;
    }

    /** Creates and starts a new cluster with an empty {@value #DATABASE} database. */
    public static PostgresCluster start() {
        try {
            Path dir = Files.createTempDirectory("runnel-pg-");
            PostgresCluster cluster = new PostgresCluster(dir, Processes.freePort());
            cluster.initAndStart();
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void initAndStart() throws IOException {
        Path data = dir.resolve("data");
        Files.createFile(log);
        if (Processes.isRoot()) {
            Processes.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir.resolve("chown.log"));
        }
        // passwords, as ./runnel's cluster: a replica on this machine reaches the port, and must not get in
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, password);
        if (Processes.isRoot()) {
            Processes.run(List.of("chown", "postgres:postgres", passwordFile.toString()), dir.resolve("chown.log"));
        }
        Processes.run(asOwner(binary("initdb"), "-D", data.toString(), "-A", "scram-sha-256", "--pwfile",
                passwordFile.toString(), "-U", USER, "-E", "UTF8", "--no-sync"), log);
        Files.delete(passwordFile);
        // fsync=off: fast, and still a crash of the server (not of the machine) loses no commit, since a
        // commit waits for the write of its log, which the machine keeps (synchronous_commit stays on:
        // off, a crash lost the last commits, which the fault suite then counted as lost calls)
        Processes.run(asOwner(binary("pg_ctl"), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c full_page_writes=off -c max_connections=200",
                "start"), dir.resolve("pg_ctl.log"));
        Processes.awaitPort(port, Duration.ofSeconds(30), null, log);
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, password)) {
            c.createStatement().execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the database: " + e.getMessage(), e);
        }
    }

    private static List<String> asOwner(String... command) {
        List<String> full = new ArrayList<>();
        if (Processes.isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static String binary(String name) {
        for (String candidate : new String[] {"/usr/lib/postgresql/15/bin/", "/usr/lib/postgresql/16/bin/",
                "/usr/lib/postgresql/17/bin/", "/usr/local/bin/", "/usr/bin/"}) {
            if (Files.isExecutable(Path.of(candidate + name))) {
                return candidate + name;
            }
        }
        return name;
    }

    /** The password of {@link #USER}, new for each cluster. */
    public String password() {
        return password;
    }

    /** The environment that gives a service's process this cluster: its URL, user and password. */
    public java.util.Map<String, String> environment() {
        return java.util.Map.of("RUNNEL_DB_URL", jdbcUrl(), "RUNNEL_DB_USER", USER, "RUNNEL_DB_PASSWORD", password);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, password);
    }

    /** Crashes the server ({@code -m immediate}) and starts it again: open connections break, and no commit it acknowledged is lost. */
    public void restart() {
        Processes.run(asOwner(binary("pg_ctl"), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
                "-t", "60", "restart"), dir.resolve("pg_ctl.log"));
        Processes.awaitPort(port, Duration.ofSeconds(30), null, log);
    }

    @Override
    public void close() {
        Processes.run(asOwner(binary("pg_ctl"), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
                "stop"), dir.resolve("pg_ctl.log"));
        Processes.deleteTree(dir);
    }
}
