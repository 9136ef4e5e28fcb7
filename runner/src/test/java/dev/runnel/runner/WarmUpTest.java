package dev.runnel.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The warm-up the runner image makes its class archive with, at build time, with nothing to reach. */
class WarmUpTest {

    @Test
    void aSampleServiceGoesThroughAStartWithNothingToReach() throws Exception {
        Map<String, String> sample = WarmUp.sample();
        RunnerConfig config = RunnerConfig.fromEnvironment(sample);
        assertThat(config.spec().module().functions()).extracting(f -> f.name()).containsExactly("run");
        assertThat(config.kafka()).isEqualTo("127.0.0.1:9");
        // no Kafka, no API: the start still loads what a replica's start loads, and ends
        WarmUp.main(new String[0]);
    }
}
