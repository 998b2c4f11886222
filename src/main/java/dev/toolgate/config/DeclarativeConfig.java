package dev.toolgate.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A whole declarative document, read and validated: nesting flattened, references resolved to ids.
 *
 * @param formatVersion     {@code _format_version}
 * @param services          every service
 * @param routes            every route, nested or top level
 * @param plugins           every plugin, with its scope
 * @param consumers         every consumer
 * @param consumerGroups    every consumer group
 * @param referenceBySecret a resolved vault secret or decK template value → the reference or template it came from (for redaction)
 * @param hash              content hash of the document as written
 */
public record DeclarativeConfig(String formatVersion, List<Service> services, List<Route> routes, List<Plugin> plugins,
                                List<Consumer> consumers, List<ConsumerGroup> consumerGroups,
                                Map<String, String> referenceBySecret, String hash) {

    public DeclarativeConfig {
        services = List.copyOf(services);
        routes = List.copyOf(routes);
        plugins = List.copyOf(plugins);
        consumers = List.copyOf(consumers);
        consumerGroups = List.copyOf(consumerGroups);
        referenceBySecret = Map.copyOf(referenceBySecret);
    }

    /** The service with this id. */
    public Optional<Service> service(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(servicesById().get(id));
    }

    /** The route with this id. */
    public Optional<Route> route(String id) {
        return id == null ? Optional.empty() : routes.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private Map<String, Service> servicesById() {
        return services.stream().collect(Collectors.toMap(Service::id, Function.identity()));
    }
}
