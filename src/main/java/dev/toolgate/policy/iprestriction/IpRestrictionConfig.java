package dev.toolgate.policy.iprestriction;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.http.IpBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config} of Kong's {@code ip-restriction} plugin, with Kong's names and defaults. At least
 * one of {@code allow} and {@code deny} not empty; a client in {@code deny} is refused even when also in
 * {@code allow}.
 *
 * @param allow   addresses and CIDR blocks (IPv4 and IPv6) that may call; everyone else is refused
 * @param deny    addresses and CIDR blocks that may not call
 * @param status  the status of a refusal; default 403
 * @param message the message of a refusal; default Kong's "IP address not allowed: &lt;address&gt;"
 */
public record IpRestrictionConfig(List<IpBlock> allow, List<IpBlock> deny, int status, String message)
        implements PluginSettings {

    public IpRestrictionConfig {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    static IpRestrictionConfig read(ConfigNode node) {
        List<String> allowed = node.texts("allow");
        List<String> denied = node.texts("deny");
        // an empty list counts as none (Kong's at_least_one_of): `allow: []` from a template that rendered
        // no addresses must not load as a plugin that refuses nobody
        if (allowed.isEmpty() && denied.isEmpty()) {
            node.problem("allow", "set at least one of allow and deny");
        }
        List<IpBlock> allow = blocks(node, "allow", allowed);
        List<IpBlock> deny = blocks(node, "deny", denied);
        // Kong asks only for a number; a 1xx is an interim status the client waits past for an answer that never comes
        int status = (int) node.integer("status", 403, 200, 599);
        IpRestrictionConfig config = new IpRestrictionConfig(allow, deny, status, node.text("message", null));
        node.finish();
        return config;
    }

    private static List<IpBlock> blocks(ConfigNode node, String key, List<String> entries) {
        List<IpBlock> blocks = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            try {
                blocks.add(IpBlock.parse(entries.get(i)));
            } catch (IllegalArgumentException e) {
                node.report().problem(node.path(key) + "[" + i + "]", e.getMessage());
            }
        }
        return blocks;
    }
}
