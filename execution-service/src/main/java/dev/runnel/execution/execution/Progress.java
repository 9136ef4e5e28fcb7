package dev.runnel.execution.execution;

/**
 * The seed's progress rule: the first update applies; a later one only when it is at least 5 above
 * the last applied one, or reaches 100 (4 applies, then 7 does not, then 9 does).
 */
public final class Progress {

    private Progress() {
    }

    public static boolean applies(Integer lastApplied, Integer next) {
        if (next == null) {
            return false;
        }
        if (lastApplied == null) {
            return true;
        }
        return next >= lastApplied + 5 || (next == 100 && lastApplied != 100);
    }
}
