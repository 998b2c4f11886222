package dev.toolgate.policy.acl;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;

import java.util.List;

/**
 * The {@code config} of Kong's {@code acl} plugin, with Kong's names and defaults. Exactly one of
 * {@code allow} and {@code deny} is set.
 *
 * @param allow                        groups that may use the route; everyone else gets 403
 * @param deny                         groups that may not use the route; everyone else may
 * @param hideGroupsHeader             do not send {@code X-Consumer-Groups} upstream; default false
 * @param includeConsumerGroups        consumer group names count as groups too; default false
 * @param alwaysUseAuthenticatedGroups use the groups the authentication asserted (a token's groups
 *                                     claim) even when it also found a consumer; default false
 */
public record AclConfig(List<String> allow, List<String> deny, boolean hideGroupsHeader,
                        boolean includeConsumerGroups, boolean alwaysUseAuthenticatedGroups) implements PluginSettings {

    public AclConfig {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    static AclConfig read(ConfigNode node) {
        List<String> allow = node.texts("allow");
        List<String> deny = node.texts("deny");
        if (allow.isEmpty() == deny.isEmpty()) {
            node.problem("allow", "set exactly one of allow and deny (a non-empty list of groups)");
        }
        AclConfig config = new AclConfig(allow, deny, node.bool("hide_groups_header", false),
                node.bool("include_consumer_groups", false), node.bool("always_use_authenticated_groups", false));
        node.finish();
        return config;
    }
}
