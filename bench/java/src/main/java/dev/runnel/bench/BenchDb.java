package dev.runnel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The benchmarks' baselines reach PostgreSQL as the platform does: user {@code postgres} with
 * {@code RUNNEL_DB_PASSWORD}, or else the password {@code ./runnel up} keeps in its state folder
 * ({@code RUNNEL_HOME}, or {@code .runnel}).
 */
final class BenchDb {

    private BenchDb() {
    }

    static Connection connect(String jdbc) throws SQLException {
        String password = System.getenv("RUNNEL_DB_PASSWORD");
        if (password == null) {
            Path file = Path.of(System.getenv().getOrDefault("RUNNEL_HOME", ".runnel"), "pg.password");
            try {
                password = Files.readString(file).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("no database password: set RUNNEL_DB_PASSWORD"
                        + " or run from the folder of ./runnel up", e);
            }
        }
        return DriverManager.getConnection(jdbc, "postgres", password);
    }
}
