package dev.runnel.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.contracts.InputType;
import dev.runnel.contracts.Module.FunctionIo;
import dev.runnel.contracts.Module;
import dev.runnel.contracts.PodType;
import dev.runnel.contracts.Runtime.Autoscaler;
import dev.runnel.contracts.Runtime;
import dev.runnel.contracts.OnReset;
import dev.runnel.kit.error.Refusal;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/** Fills in a service's defaults and checks its runtime, limits and init parameters. */
final class ServiceValidator {

    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final int DEFAULT_EXECUTION_TIMEOUT = 3600;
    static final int DEFAULT_DRAIN_TIME = 600;
    static final OnReset DEFAULT_ON_RESET = OnReset.FAILED;
    private static final int MAX_REPLICAS = 1000;
    private static final Pattern IMAGE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$");

    private ServiceValidator() {
    }

    /** A complete runtime from a partial one laid over a base (the defaults, or the current runtime). */
    static Runtime runtime(Runtime given, Runtime base) {
        Runtime r = given == null ? base : given;
        boolean gpu = pick(r.gpu(), base.gpu());
        int replicas = pick(r.replicas(), base.replicas());
        int concurrency = pick(r.concurrency(), base.concurrency());
        String image = r.runnerImage() == null ? base.runnerImage() : r.runnerImage();
        if (image != null && image.isBlank()) {
            image = null;
        }
        String podType = r.podType() == null || r.podType().isBlank()
                ? (gpu ? PodType.DEFAULT_GPU.wireName() : (base.podType() == null ? PodType.DEFAULT.wireName()
                : base.podType()))
                : r.podType();
        range("runtime.replicas", replicas, 0, MAX_REPLICAS);
        range("runtime.concurrency", concurrency, 1, 1000);
        if (image != null && !IMAGE.matcher(image).matches()) {
            throw Refusal.invalid("runtime.runnerImage", "'" + image + "' is not a container image reference");
        }
        PodType pod = PodType.of(podType).orElseThrow(() -> Refusal.invalid("runtime.podType",
                "unknown pod type '" + r.podType() + "'; one of " + PodType.allowedNames()));
        if (gpu && !pod.gpu()) {
            if (r.podType() != null && !r.podType().isBlank()) {
                throw Refusal.invalid("runtime.podType", "a GPU service needs a gpu-* pod type, not '"
                        + podType + "'");
            }
            pod = PodType.DEFAULT_GPU;
        }
        if (pod.gpu()) {
            gpu = true;
        }
        Autoscaler autoscaler = autoscaler(r.autoscaler() == null ? base.autoscaler() : r.autoscaler());
        return new Runtime(gpu, replicas, concurrency, image, pod.wireName(), autoscaler);
    }

    static Runtime defaults() {
        return new Runtime(false, Runtime.DEFAULT_REPLICAS, Runtime.DEFAULT_CONCURRENCY, null, null, null);
    }

    private static Autoscaler autoscaler(Autoscaler a) {
        if (a == null) {
            return null;
        }
        int min = pick(a.minReplicas(), 0);
        int max = pick(a.maxReplicas(), Math.max(1, min));
        int queue = pick(a.queueLength(), 10);
        int cooldown = pick(a.cooldownSeconds(), 300);
        range("runtime.autoscaler.minReplicas", min, 0, MAX_REPLICAS);
        range("runtime.autoscaler.maxReplicas", max, 1, MAX_REPLICAS);
        if (max < min) {
            throw Refusal.invalid("runtime.autoscaler.maxReplicas", "must be at least minReplicas (" + min + ")");
        }
        range("runtime.autoscaler.queueLength", queue, 1, 100_000);
        range("runtime.autoscaler.cooldownSeconds", cooldown, 0, 86_400);
        return new Autoscaler(min, max, queue, cooldown);
    }

    static int maxAttempts(Integer given, int base) {
        return range("maxAttempts", pick(given, base), 1, 100);
    }

    static int executionTimeout(Integer given, int base) {
        return range("executionTimeout", pick(given, base), 1, 7 * 86_400);
    }

    static int drainTime(Integer given, int base) {
        return range("drainTime", pick(given, base), 0, 86_400);
    }

    static OnReset onReset(String given, OnReset base) {
        if (given == null) {
            return base;
        }
        OnReset value = OnReset.of(given);
        if (value == null) {
            throw Refusal.invalid("onReset", "'" + given + "' must be 'failed' or 'rerun'");
        }
        return value;
    }

    /** Checks init parameters against a module's init inputs; a missing input takes its default. */
    static ObjectNode initParams(ObjectNode given, Module module) {
        ObjectNode params = given == null ? JsonNodeFactory.instance.objectNode() : given.deepCopy();
        Iterator<Map.Entry<String, JsonNode>> fields = params.fields();
        while (fields.hasNext()) {
            String name = fields.next().getKey();
            if (module.initInputs().stream().noneMatch(io -> io.name().equals(name))) {
                throw Refusal.invalid("initParams." + name, "module '" + module.name()
                        + "' has no init input named '" + name + "'");
            }
        }
        for (FunctionIo input : module.initInputs()) {
            JsonNode value = params.get(input.name());
            if (value == null || value.isNull()) {
                if (input.defaultValue() == null || input.defaultValue().isNull()) {
                    throw Refusal.invalid("initParams." + input.name(), "is required by module '"
                            + module.name() + "' (type " + input.type() + ")");
                }
                continue;
            }
            InputType.check(input.type(), value).ifPresent(expected -> {
                throw Refusal.invalid("initParams." + input.name(), "must be " + expected);
            });
        }
        return params;
    }

    private static <T> T pick(T given, T base) {
        return given != null ? given : base;
    }

    private static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw Refusal.invalid(field, "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }
}
