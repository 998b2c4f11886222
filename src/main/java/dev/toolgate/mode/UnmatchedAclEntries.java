package dev.toolgate.mode;

import dev.toolgate.config.ConsumerNames;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;

import java.util.List;
import java.util.stream.Stream;

/**
 * Warns about tool ACL entries ({@code default_acl} and {@code tools[].acl}) that match no caller. Kong accepts
 * them, and so does Toolgate (Kong files load unchanged), but a {@code deny: [suspended]} where {@code suspended}
 * is a consumer group and {@code include_consumer_groups} is false refuses no one, silently. A DB-less document
 * names every consumer and group, so this is known at load; with {@code acl_attribute_type: oauth_access_token}
 * entries name token claims, which are not, and nothing is said.
 *
 * <p>Entries are read as the serving plugin reads them: its {@code consumer_identifier}, and its
 * {@code include_consumer_groups} (a listener's, or the bound tool set's, counts groups).
 */
final class UnmatchedAclEntries {

    /** How one endpoint matches entries: the attribute they name, and whether consumer groups count. */
    private record Reading(String identifier, boolean groups) {
    }

    private UnmatchedAclEntries() {
    }

    /** Warns about the entries {@code plugin}, a listening one, serves; the tools it binds by tag included. */
    static void warn(Plugin plugin, AiMcpProxyConfig config, DeclarativeConfig document, ConfigReport report) {
        if (!plugin.enabled() || !config.mode().listens() || "oauth_access_token".equals(config.aclAttributeType())) {
            return;
        }
        ConsumerNames names = null;
        for (Plugin served : served(plugin, config, document)) {
            AiMcpProxyConfig tools = (AiMcpProxyConfig) served.config();
            if (!hasEntries(tools)) {
                continue;
            }
            names = names != null ? names : ConsumerNames.of(document);
            Reading reading = new Reading(config.consumerIdentifier(),
                    config.includeConsumerGroups() || tools.includeConsumerGroups());
            String at = served.source() + ".config";
            for (int i = 0; i < tools.defaultAcl().size(); i++) {
                rule(at + ".default_acl[" + i + "]", tools.defaultAcl().get(i), reading, names, report);
            }
            for (int i = 0; i < tools.tools().size(); i++) {
                rule(at + ".tools[" + i + "].acl", tools.tools().get(i).acl(), reading, names, report);
            }
        }
    }

    /** The plugin itself and, for a listener, the conversion plugins its tag binds. */
    private static List<Plugin> served(Plugin plugin, AiMcpProxyConfig config, DeclarativeConfig document) {
        return Stream.concat(Stream.of(plugin), AiMcpProxySchema.boundBy(plugin, config, document).stream()).toList();
    }

    private static boolean hasEntries(AiMcpProxyConfig config) {
        return config.defaultAcl().stream().anyMatch(rule -> !rule.isEmpty())
                || config.tools().stream().anyMatch(tool -> tool.acl() != null && !tool.acl().isEmpty());
    }

    private static void rule(String at, AclRule rule, Reading reading, ConsumerNames names, ConfigReport report) {
        if (rule == null) {
            return;
        }
        entries(at + ".allow", "allow", rule.allow(), reading, names, report);
        entries(at + ".deny", "deny", rule.deny(), reading, names, report);
    }

    private static void entries(String at, String list, List<String> entries, Reading reading, ConsumerNames names,
                                ConfigReport report) {
        for (int i = 0; i < entries.size(); i++) {
            ConsumerNames.Nobody nobody = whyNobody(entries.get(i), reading, names);
            if (nobody != null) {
                report.warning(at + "[" + i + "]", nobody.message(list));
            }
        }
    }

    /** Why {@code entry} matches no caller, and what to write instead; null when it matches one. */
    private static ConsumerNames.Nobody whyNobody(String entry, Reading reading, ConsumerNames names) {
        if (names.consumer(reading.identifier(), entry) != null || reading.groups() && names.consumerGroup(entry)) {
            return null;
        }
        String quoted = "'" + entry + "'";
        if (names.consumerGroup(entry)) {
            return new ConsumerNames.Nobody(quoted + " is a consumer group, but include_consumer_groups is false",
                    "set include_consumer_groups: true to match its members");
        }
        String other = names.identifierOf(entry);
        if (other != null) {
            String value = ConsumerNames.valueOf(names.consumer(other, entry), reading.identifier());
            return new ConsumerNames.Nobody(quoted + " is a consumer's " + other + ", but consumer_identifier is "
                    + reading.identifier(), "consumer_identifier is " + reading.identifier() + ": list "
                    + plural(reading.identifier()) + (value != null ? " (this consumer's is '" + value + "')"
                    : " (this consumer has none)"));
        }
        String reason = "no consumer has the " + reading.identifier() + " " + quoted
                + (reading.groups() ? " and no consumer group has that name" : "");
        String instead = "name a consumer's " + reading.identifier() + (reading.groups() ? " or a consumer group" : "")
                + (names.aclGroup(entry) ? " (" + quoted + " is a group of consumers' acls, which only the acl plugin "
                + "reads)" : "");
        return new ConsumerNames.Nobody(reason, instead);
    }

    private static String plural(String identifier) {
        return switch (identifier) {
            case "consumer_id" -> "consumer ids";
            case "custom_id" -> "custom_ids";
            default -> "usernames";
        };
    }
}
