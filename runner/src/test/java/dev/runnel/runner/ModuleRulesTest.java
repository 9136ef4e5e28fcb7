package dev.runnel.runner;

import dev.runnel.testrules.PackageCycles;
import dev.runnel.testrules.TestNames;
import org.junit.jupiter.api.Test;

/** The module's rules: no two of its packages depend on each other, and its tests are named so that they run. */
class ModuleRulesTest {

    @Test
    void packagesHaveNoCycles() {
        PackageCycles.assertNoneUnder("dev.runnel.runner");
    }

    @Test
    void testsAreNamedAsTheReadmeSays() {
        TestNames.assertFollowedUnder("dev.runnel.runner");
    }
}
