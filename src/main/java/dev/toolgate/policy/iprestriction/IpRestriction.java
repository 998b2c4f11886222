package dev.toolgate.policy.iprestriction;

import dev.toolgate.error.GatewayError;
import dev.toolgate.http.IpBlock;
import dev.toolgate.pipeline.AddressPolicy;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;

import java.net.InetAddress;
import java.util.List;

/**
 * Kong's {@code ip-restriction}: the client's address as the pipeline knows it (the peer, or what a
 * trusted proxy says, see {@code --trusted-ips}) against the deny list, then the allow list. Every
 * HTTP method of an MCP endpoint is checked; nothing is forwarded for a refused client.
 */
final class IpRestriction implements AddressPolicy {

    private final IpRestrictionConfig config;

    IpRestriction(IpRestrictionConfig config) {
        this.config = config;
    }

    @Override
    public Future<Decision> admit(Exchange exchange) {
        String refusal = refusal(exchange.clientAddress());
        return refusal == null ? Decision.PROCEED
                : Decision.reject(new GatewayError.AddressRefused(config.status(), refusal));
    }

    @Override
    public boolean refuses(String clientAddress) {
        return refusal(clientAddress) != null;
    }

    /** Why a request from {@code client} is refused, or null when it may pass. */
    private String refusal(String client) {
        InetAddress address = client == null ? null : IpBlock.parseAddress(client);
        if (address == null) {
            return "Cannot identify the client IP address";
        }
        if (in(config.deny(), address) || !config.allow().isEmpty() && !in(config.allow(), address)) {
            return config.message() != null ? config.message() : "IP address not allowed: " + client;
        }
        return null;
    }

    private static boolean in(List<IpBlock> blocks, InetAddress address) {
        for (IpBlock block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
