package dev.runnel.kit.kafka;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * In a service that names its group for them ({@code runnel.dead-letters.redrive-group}), takes the
 * administrator's redrive orders for its loops ({@link Redrives}); a service that consumes nothing names none.
 */
@ApplicationScoped
public class RedriveOrders {

    private final Optional<String> group;
    private final Optional<String> bootstrap;
    private ConsumerLoop loop;

    public RedriveOrders(@ConfigProperty(name = "runnel.dead-letters.redrive-group") Optional<String> group,
                         @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrap) {
        this.group = group;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        if (group.isPresent() && bootstrap.isPresent()) {
            loop = Redrives.start(bootstrap.get(), group.get());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.close();
        }
    }
}
