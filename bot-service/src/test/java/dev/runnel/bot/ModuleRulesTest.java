package dev.runnel.bot;

import dev.runnel.testsupport.PackageCycles;
import dev.runnel.testsupport.TestNames;
import org.junit.jupiter.api.Test;

/** The module's rules: no two of its packages depend on each other, and its tests are named so that they run. */
class ModuleRulesTest {

    @Test
    void packagesHaveNoCycles() {
        PackageCycles.assertNoneUnder("dev.runnel.bot");
    }

    @Test
    void testsAreNamedAsTheReadmeSays() {
        TestNames.assertFollowedUnder("dev.runnel.bot");
    }
}
