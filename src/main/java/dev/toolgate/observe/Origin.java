package dev.toolgate.observe;

/**
 * Where an exchange's messages came from and went: its route and service, the caller, the client's
 * address. Made once per exchange (after authentication) and shared by every event about it.
 *
 * @param route      the route's static facts
 * @param consumerId the consumer's id, or null when nobody was identified
 * @param consumer   the consumer's username (or custom id, or id), or null
 * @param customId   the consumer's custom id, or null
 * @param clientIp   the client's address (or what a trusted proxy says it is)
 * @param authority  the host (and port) the client addressed, or null; cut at 256 characters
 * @param protocol   the {@code MCP-Protocol-Version} the client sent, or null; cut at 256 characters
 * @param credentialId the id of the credential that authenticated the caller, as Kong's log serializer
 *                   writes it ({@code authenticated_entity.id}), or null when none did (nobody, or an
 *                   {@code anonymous} consumer)
 * @param clientPort the client's port, or 0 when unknown: {@code clientIp} is what a trusted proxy says, whose
 *                   port the gateway never saw
 */
public record Origin(RouteFacts route, String consumerId, String consumer, String customId, String clientIp,
                     String authority, String protocol, String credentialId, int clientPort) {

    /** The client's own texts are cut as an event's are: they reach spans, log entries and the page as given. */
    public Origin {
        authority = McpEvent.bounded(authority);
        protocol = McpEvent.bounded(protocol);
    }

    /** An origin no credential authenticated. */
    public Origin(RouteFacts route, String consumerId, String consumer, String customId, String clientIp,
                  String authority, String protocol) {
        this(route, consumerId, consumer, customId, clientIp, authority, protocol, null, 0);
    }

    /** An origin whose client's port is unknown. */
    public Origin(RouteFacts route, String consumerId, String consumer, String customId, String clientIp,
                  String authority, String protocol, String credentialId) {
        this(route, consumerId, consumer, customId, clientIp, authority, protocol, credentialId, 0);
    }

    /**
     * What an MCP route is, for labels and logs.
     *
     * @param routeId     the route's id
     * @param routeName   the route's name, or its id when it has none
     * @param serviceId   its service's id, or null (a listener's route)
     * @param serviceName its service's name (or id), or null
     * @param mode        the ai-mcp-proxy mode serving it ({@code conversion-listener}, {@code listener},
     *                    {@code passthrough-listener})
     * @param statistics  {@code logging.log_statistics}: MCP statistics go to the log plugins and metrics
     * @param payloads    {@code logging.log_payloads}: request and response bodies go to the log plugins
     *                    (and the live page)
     * @param audits      {@code logging.log_audits}: ACL evaluations go to the log plugins
     */
    public record RouteFacts(String routeId, String routeName, String serviceId, String serviceName, String mode,
                             boolean statistics, boolean payloads, boolean audits) {
    }

    /** The label a consumer gets in metrics and on the page: its username, else custom id, else id. */
    public String consumerLabel() {
        return consumer != null ? consumer : customId != null ? customId : consumerId;
    }
}
