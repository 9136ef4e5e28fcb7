package dev.runnel.registry.pkg;

import dev.runnel.contracts.InputType;
import dev.runnel.contracts.Module.Function;
import dev.runnel.contracts.Module.FunctionIo;
import dev.runnel.contracts.Module;
import dev.runnel.kit.error.Refusal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a package's names and modules against its codebase, and fills in the seed's defaults. */
public final class PackageValidator {

    /** Names of packages, services and modules. */
    public static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$");
    public static final String NAME_RULE = "must be 1 to 100 letters, digits, '_', '-' or '.', starting with a letter or digit";
    public static final Pattern PROJECT_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Set<String> PYTHON_KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert",
            "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally",
            "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
            "raise", "return", "try", "while", "with", "yield");

    private PackageValidator() {
    }

    public static void checkName(String field, String name) {
        if (name == null || name.isBlank()) {
            throw Refusal.invalid(field, "is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw Refusal.invalid(field, "'" + name + "' " + NAME_RULE);
        }
    }

    public static void checkProjectId(String projectId) {
        if (projectId == null || projectId.isBlank()) {
            throw Refusal.invalid("projectId", "is required");
        }
        if (!PROJECT_ID.matcher(projectId).matches()) {
            throw Refusal.invalid("projectId", "'" + projectId + "' is not a project id");
        }
    }

    /** Validates modules against the codebase's files and returns them with defaults filled in. */
    public static List<Module> modules(List<Module> modules, Collection<String> codebaseFiles) {
        List<Module> given = modules == null || modules.isEmpty() ? List.of(defaultModule()) : modules;
        Set<String> files = new HashSet<>();
        for (String file : codebaseFiles) {
            files.add(normalize(file));
        }
        Set<String> names = new HashSet<>();
        List<Module> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String at = "modules[" + i + "]";
            Module m = given.get(i);
            if (m == null) {
                throw Refusal.invalid(at, "must be an object");
            }
            String name = m.name() == null ? Module.DEFAULT_NAME : m.name();
            checkName(at + ".name", name);
            if (!names.add(name)) {
                throw Refusal.invalid(at + ".name", "module '" + name + "' is defined twice");
            }
            String className = m.className() == null || m.className().isBlank() ? Module.DEFAULT_CLASS_NAME : m.className();
            checkIdentifier(at + ".className", className);
            String entryPoint = m.entryPoint() == null || m.entryPoint().isBlank() ? Module.DEFAULT_ENTRY_POINT
                    : normalize(m.entryPoint());
            checkEntryPoint(at + ".entryPoint", entryPoint, files);
            List<FunctionIo> initInputs = ios(at + ".initInputs", m.initInputs());
            out.add(new Module(name, className, entryPoint, initInputs, functions(at, m.functions())));
        }
        return out;
    }

    private static Module defaultModule() {
        return new Module(Module.DEFAULT_NAME, Module.DEFAULT_CLASS_NAME, Module.DEFAULT_ENTRY_POINT, List.of(),
                List.of(new Function("run", null, List.of(new FunctionIo("item", "Item", null, null)), List.of())));
    }

    private static void checkEntryPoint(String field, String entryPoint, Set<String> files) {
        if (!entryPoint.endsWith(".py")) {
            throw Refusal.invalid(field, "'" + entryPoint + "' must be a Python file ending in .py");
        }
        if (entryPoint.startsWith("/") || List.of(entryPoint.split("/")).contains("..")) {
            throw Refusal.invalid(field, "'" + entryPoint + "' must be a path inside the codebase");
        }
        if (!files.contains(entryPoint)) {
            throw Refusal.invalid(field, "'" + entryPoint + "' is not in the codebase");
        }
    }

    private static List<Function> functions(String at, List<Function> functions) {
        if (functions == null) {
            return List.of();
        }
        Set<String> names = new HashSet<>();
        List<Function> out = new ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            String field = at + ".functions[" + i + "]";
            Function f = functions.get(i);
            if (f == null) {
                throw Refusal.invalid(field, "must be an object");
            }
            checkIdentifier(field + ".name", f.name());
            if (!names.add(f.name())) {
                throw Refusal.invalid(field + ".name", "function '" + f.name() + "' is defined twice in the module");
            }
            out.add(new Function(f.name(), f.description(), ios(field + ".input", f.input()), ios(field + ".output",
                    f.output())));
        }
        return out;
    }

    private static List<FunctionIo> ios(String at, List<FunctionIo> ios) {
        if (ios == null) {
            return List.of();
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ios.size(); i++) {
            String field = at + "[" + i + "]";
            FunctionIo io = ios.get(i);
            if (io == null) {
                throw Refusal.invalid(field, "must be an object");
            }
            checkIdentifier(field + ".name", io.name());
            if (!names.add(io.name())) {
                throw Refusal.invalid(field + ".name", "input '" + io.name() + "' is declared twice");
            }
            if (io.type() == null || InputType.of(io.type()).isEmpty()) {
                throw Refusal.invalid(field + ".type", "unknown type '" + io.type() + "'; one of "
                        + InputType.allowedNames());
            }
            if (io.defaultValue() != null && !io.defaultValue().isNull()) {
                InputType.check(io.type(), io.defaultValue()).ifPresent(expected ->
                        { throw Refusal.invalid(field + ".defaultValue", "must be " + expected); });
            }
        }
        return List.copyOf(ios);
    }

    private static void checkIdentifier(String field, String name) {
        if (name == null || name.isBlank()) {
            throw Refusal.invalid(field, "is required");
        }
        if (!IDENTIFIER.matcher(name).matches() || PYTHON_KEYWORDS.contains(name)) {
            throw Refusal.invalid(field, "'" + name + "' must be a Python identifier");
        }
    }

    /** A zip entry or entry point as a plain relative path: no leading "./". */
    static String normalize(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return p;
    }
}
