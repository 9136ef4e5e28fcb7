package dev.runnel.testrules;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's naming of tests, checked: a top-level class with JUnit tests is named {@code *Test} (surefire runs
 * it) or {@code *IT} (failsafe runs it); any other name is a test that never runs. A {@code @QuarkusTest} runs the
 * service in the build's JVM, so it is a {@code *Test}; an {@code *IT} starts what it tests as processes.
 */
public final class TestNames {

    private static final String JUNIT_TEST = "org.junit.jupiter.api.Test";
    /** what {@code @Test}, {@code @ParameterizedTest} and the other test annotations are annotated with */
    private static final String TESTABLE = "org.junit.platform.commons.annotation.Testable";
    private static final String QUARKUS_TEST = "io.quarkus.test.junit.QuarkusTest";

    private TestNames() {
    }

    public static void assertFollowedUnder(String root) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(root);
        List<String> wrong = new ArrayList<>();
        for (JavaClass type : classes) {
            String name = type.getSimpleName();
            if (type.isAnnotatedWith(QUARKUS_TEST) && !name.endsWith("Test")) {
                wrong.add(type.getName() + ": a @QuarkusTest runs in the build's JVM, so its name ends in Test");
            }
            if (type.isTopLevelClass() && hasTests(type) && !name.endsWith("Test") && !name.endsWith("IT")) {
                wrong.add(type.getName() + ": has tests but neither surefire (*Test) nor failsafe (*IT) runs it");
            }
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError("test classes named against the README's table:\n  "
                    + String.join("\n  ", wrong));
        }
    }

    private static boolean hasTests(JavaClass type) {
        return type.getMethods().stream().anyMatch(m -> m.isAnnotatedWith(JUNIT_TEST) || m.isMetaAnnotatedWith(TESTABLE));
    }
}
