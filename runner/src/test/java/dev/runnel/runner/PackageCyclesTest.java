package dev.runnel.runner;

import dev.runnel.testsupport.PackageCycles;
import org.junit.jupiter.api.Test;

/** No two packages of this module depend on each other, directly or around a cycle. */
class PackageCyclesTest {

    @Test
    void packagesHaveNoCycles() {
        PackageCycles.assertNoneUnder("dev.runnel.runner");
    }
}
