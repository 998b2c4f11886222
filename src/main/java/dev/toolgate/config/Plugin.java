package dev.toolgate.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/**
 * A Kong Plugin instance and where it applies: a route, a service, a consumer, or everything
 * (global) when none is set. A route's plugin wins over its service's, which wins over a global one.
 *
 * @param id              UUID; derived when absent
 * @param name            the plugin's name, e.g. {@code ai-mcp-proxy}
 * @param enabled         when false the plugin is loaded and validated but does nothing; default true
 * @param tags            entity tags; for {@code ai-mcp-proxy} in {@code conversion-only} mode they name the
 *                        tool sets listeners bind to
 * @param protocols       Kong's {@code protocols}, as written, else Kong's default {@code [grpc, grpcs, http,
 *                        https]}; kept for the Admin API, since Toolgate runs every plugin on all its HTTP requests
 *                        (a list naming neither http nor https is refused)
 * @param instanceName    optional name that tells two instances of one plugin on one scope apart
 * @param config          the plugin's own settings
 * @param routeId         scope: the route's id, or null
 * @param serviceId       scope: the service's id, or null
 * @param consumerId      scope: the consumer's id, or null
 * @param consumerGroupId scope: the consumer group's id, or null
 * @param source          where the entity is in the file
 */
public record Plugin(String id, String name, boolean enabled, List<String> tags, List<String> protocols,
                     String instanceName,
                     PluginSettings config, @JsonIgnore String routeId, @JsonIgnore String serviceId,
                     @JsonIgnore String consumerId, @JsonIgnore String consumerGroupId, @JsonIgnore String source) {

    public Plugin {
        tags = List.copyOf(tags);
        protocols = List.copyOf(protocols);
    }

    /** True when no scope is set. */
    public boolean global() {
        return routeId == null && serviceId == null && consumerId == null && consumerGroupId == null;
    }
}
