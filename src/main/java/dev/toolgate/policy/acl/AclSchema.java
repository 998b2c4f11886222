package dev.toolgate.policy.acl;

import dev.toolgate.config.ConfigContext;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.ConsumerNames;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.policy.PolicySchema;

import java.util.List;

/**
 * The {@code acl} plugin's schema, which also warns about {@code allow} and {@code deny} entries that match no
 * caller's groups: Kong accepts them, and so does Toolgate (Kong files load unchanged), but {@code deny: [gold]}
 * where {@code gold} is a consumer group and {@code include_consumer_groups} is false refuses no one, silently.
 * A DB-less document names every consumer's {@code acls} and every consumer group, so this is known at load;
 * where an {@code ai-mcp-oauth2} plugin runs, a token may assert groups the file does not name, and nothing is said.
 */
final class AclSchema implements PluginSchema {

    private final PolicySchema schema = PolicySchema.noConsumer(AclPlugin.NAME, AclConfig::read);

    @Override
    public String name() {
        return schema.name();
    }

    @Override
    public PluginSettings read(ConfigNode config, ConfigContext context) {
        return schema.read(config, context);
    }

    @Override
    public void validate(Plugin plugin, DeclarativeConfig document, ConfigReport report) {
        schema.validate(plugin, document, report);
        if (!plugin.enabled() || !(plugin.config() instanceof AclConfig config) || groupsAsserted(document)) {
            return;
        }
        ConsumerNames names = ConsumerNames.of(document);
        entries(plugin.source() + ".config.allow", "allow", config.allow(), config, names, report);
        entries(plugin.source() + ".config.deny", "deny", config.deny(), config, names, report);
    }

    /** True when a token's groups claim may name groups: {@code ai-mcp-oauth2} passes them to this plugin. */
    private static boolean groupsAsserted(DeclarativeConfig document) {
        return document.plugins().stream().anyMatch(p -> p.enabled() && p.name().equals("ai-mcp-oauth2"));
    }

    private static void entries(String at, String list, List<String> entries, AclConfig config, ConsumerNames names,
                                ConfigReport report) {
        for (int i = 0; i < entries.size(); i++) {
            ConsumerNames.Nobody nobody = whyNobody(entries.get(i), config, names);
            if (nobody != null) {
                report.warning(at + "[" + i + "]", nobody.message(list));
            }
        }
    }

    /** Why {@code entry} is no group of any caller, and what to write instead; null when it is one's. */
    private static ConsumerNames.Nobody whyNobody(String entry, AclConfig config, ConsumerNames names) {
        if (names.aclGroup(entry) || config.includeConsumerGroups() && names.consumerGroup(entry)) {
            return null;
        }
        String quoted = "'" + entry + "'";
        if (names.consumerGroup(entry)) {
            return new ConsumerNames.Nobody(quoted + " is a consumer group, but include_consumer_groups is false",
                    "set include_consumer_groups: true to match its members");
        }
        String identifier = names.identifierOf(entry);
        String reason = identifier != null
                ? quoted + " is a consumer's " + identifier + ", and the acl plugin matches groups, not consumers"
                : "no consumer's acls has the group " + quoted
                        + (config.includeConsumerGroups() ? " and no consumer group has that name" : "");
        return new ConsumerNames.Nobody(reason, "give the consumers it should match acls: [{group: " + entry + "}]"
                + (config.includeConsumerGroups() ? ", or put them in a consumer group of that name" : ""));
    }
}
