package dev.toolgate.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * @param serviceById       every service by its id, the first of a repeated id (itself a problem the reader reports)
 */
public record DeclarativeConfig(String formatVersion, List<Service> services, List<Route> routes, List<Plugin> plugins,
                                List<Consumer> consumers, List<ConsumerGroup> consumerGroups,
                                Map<String, String> referenceBySecret, String hash, Map<String, Service> serviceById) {

    /** A document whose services are looked up by id through an index built here, once. */
    public DeclarativeConfig(String formatVersion, List<Service> services, List<Route> routes, List<Plugin> plugins,
                             List<Consumer> consumers, List<ConsumerGroup> consumerGroups,
                             Map<String, String> referenceBySecret, String hash) {
        this(formatVersion, services, routes, plugins, consumers, consumerGroups, referenceBySecret, hash,
                byId(services));
    }

    public DeclarativeConfig {
        services = List.copyOf(services);
        routes = List.copyOf(routes);
        plugins = List.copyOf(plugins);
        consumers = List.copyOf(consumers);
        consumerGroups = List.copyOf(consumerGroups);
        referenceBySecret = Map.copyOf(referenceBySecret);
        serviceById = Map.copyOf(serviceById);
    }

    /** The service with this id. */
    public Optional<Service> service(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(serviceById.get(id));
    }

    /** The route with this id. */
    public Optional<Route> route(String id) {
        return id == null ? Optional.empty() : routes.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    // not Collectors.toMap: a document with two services of one name (one derived id) must reach its
    // problem list, not end in IllegalStateException("Duplicate key") with both services in its message
    private static Map<String, Service> byId(List<Service> services) {
        Map<String, Service> byId = new HashMap<>();
        services.forEach(service -> byId.putIfAbsent(service.id(), service));
        return byId;
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
