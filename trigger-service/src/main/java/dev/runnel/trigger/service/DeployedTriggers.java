package dev.runnel.trigger.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runnel.contracts.Json;
import dev.runnel.contracts.ServiceSpec;
import dev.runnel.kit.error.Refusal;
import dev.runnel.trigger.trigger.Definition;
import dev.runnel.trigger.trigger.TriggerDoc;
import dev.runnel.trigger.trigger.TriggerRepository;
import dev.runnel.trigger.trigger.TriggerService;
import dev.runnel.trigger.trigger.TriggerSpecs;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the triggers written in a service's JSON in step with its spec (ADR 0008): each version of
 * the spec creates the triggers it names, changes those it changed, and deletes those it dropped; a
 * deleted service takes all its triggers with it. One replica handles each spec (a consumer group).
 */
@ApplicationScoped
public class DeployedTriggers {

    private static final Logger LOG = Logger.getLogger(DeployedTriggers.class);

    private final TriggerRepository repository;
    private final TriggerService triggers;

    public DeployedTriggers(TriggerRepository repository, TriggerService triggers) {
        this.repository = repository;
        this.triggers = triggers;
    }

    /** A version of a service's spec (a tombstone: the service was deleted), in one transaction. */
    @Incoming("deployed-specs")
    @Blocking
    @Transactional
    void apply(ConsumerRecord<String, String> record) {
        String serviceId = record.key();
        Map<String, TriggerRepository.Named> existing = new HashMap<>();
        repository.lockOfService(serviceId).forEach(t -> existing.put(t.name(), t));
        if (record.value() == null) {
            existing.values().forEach(t -> triggers.remove(t.id()));
            return;
        }
        ServiceSpec spec;
        try {
            spec = Json.mapper().readValue(record.value(), ServiceSpec.class);
        } catch (JsonProcessingException e) {
            LOG.warnf("skipping an unreadable spec of service %s: %s", serviceId, e.getOriginalMessage());
            return;
        }
        Set<String> named = new HashSet<>();
        for (JsonNode json : spec.triggers() == null ? List.<JsonNode>of() : spec.triggers()) {
            Definition definition;
            try {
                definition = Definition.of(json, spec.serviceId());
                TriggerSpecs.checkFunction(spec.module(), definition.spec());
            } catch (Refusal e) {
                LOG.warnf("service %s v%d: trigger %s not kept: %s", spec.name(), spec.version(), json.path("name"),
                        e.getMessage());
                continue;
            }
            named.add(definition.name());
            TriggerRepository.Named known = existing.get(definition.name());
            if (known == null) {
                triggers.insert(spec, definition.name(), definition.type(), definition.active(), definition.spec(),
                        spec.botUserName(), true);
            } else if (!known.fromSpec()) {
                LOG.warnf("service %s: a trigger named %s was created by hand; the service JSON's is not kept",
                        spec.name(), definition.name());
            } else {
                TriggerDoc current = triggers.load(known.id());
                if (current.active() != definition.active() || !current.spec().equals(definition.spec())
                        || current.type() != definition.type()) {
                    triggers.replace(current.redefined(definition.type(), definition.active(), definition.spec(),
                            Instant.now().truncatedTo(ChronoUnit.MILLIS)));
                }
            }
        }
        existing.forEach((name, t) -> {
            if (t.fromSpec() && !named.contains(name)) {
                triggers.remove(t.id());
            }
        });
    }
}
