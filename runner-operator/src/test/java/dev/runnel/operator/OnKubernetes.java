package dev.runnel.operator;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The operator with its Kubernetes driver, in a namespace of the mock API server. */
public class OnKubernetes implements QuarkusTestProfile {

    static final String NS = "runnel-test";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("runnel.operator.driver", "kubernetes", "runnel.operator.kubernetes.namespace", NS,
                "runnel.operator.kubernetes.runner-image", "runnel/runner:test");
    }
}
