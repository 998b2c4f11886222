package dev.toolgate.gateway;

import dev.toolgate.config.Consumer;
import dev.toolgate.config.ConsumerGroup;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.digest.Digests;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.acl.SubjectRules;
import dev.toolgate.mode.conversion.Tool;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.pipeline.PolicyOrder;

import java.util.Set;

/**
 * The version of what an MCP endpoint's {@code tools/list} may show a caller: the tool definitions, and
 * the rules that decide who sees which of them (each tool's ACL, the serving plugin's {@code default_acl}
 * and subject settings, the {@code acl}, {@code ip-restriction} and authentication plugins of the routes
 * owning a listener's tools, the consumers and their groups). A reload that changes it tells the
 * endpoint's open streams {@code notifications/tools/list_changed}: a caller's list may have changed even
 * when no definition did. It may change when no caller's list does (a consumer added); a client told so
 * lists its tools once more, while a list never told of would stay stale.
 */
final class ListVersions {

    /** Plugins on an owning route that decide whether a listener shows its tools to a caller. */
    private static final Set<String> JUDGING = Set.of("acl", "ip-restriction");

    private final DeclarativeConfig config;
    private String callers;

    ListVersions(DeclarativeConfig config) {
        this.config = config;
    }

    /** The version of what {@code route}'s endpoint, serving {@code tools} as {@code serving} says, may show. */
    String of(Route route, AiMcpProxyConfig serving, ToolSet tools) {
        StringBuilder rules = new StringBuilder(tools.fingerprint());
        boolean perCaller = !serving.defaultAcl().isEmpty();
        boolean owned = false;
        for (Tool tool : tools.tools()) {
            rules.append("\ntool ").append(tool.name()).append(' ').append(tool.acl());
            perCaller |= !tool.acl().open();
            owned |= tool.routeId() != null && !tool.routeId().equals(route.id());
        }
        rules.append("\nserving ").append(serving.defaultAcl()).append(' ').append(serving.includeConsumerGroups())
                .append(' ').append(SubjectRules.of(serving));
        if (owned) {
            // which plugins apply to an owning route is decided by their scopes: every judging plugin counts
            config.plugins().stream().filter(p -> JUDGING.contains(p.name()) || PolicyOrder.AUTHENTICATION.contains(p.name()))
                    .forEach(p -> rules.append("\nplugin ").append(scope(p))
                            .append(JUDGING.contains(p.name()) ? p.config() : ""));
        }
        if (perCaller || owned) {
            rules.append("\ncallers ").append(callers());
        }
        return Digests.sha256Hex(rules.toString());
    }

    private static String scope(Plugin plugin) {
        return plugin.name() + ' ' + plugin.enabled() + ' ' + plugin.routeId() + ' ' + plugin.serviceId() + ' '
                + plugin.consumerId() + ' ' + plugin.consumerGroupId() + ' ';
    }

    /** Who the consumers are and which groups they are in (never their credentials); once per snapshot. */
    private String callers() {
        if (callers == null) {
            StringBuilder all = new StringBuilder();
            for (ConsumerGroup group : config.consumerGroups()) {
                all.append("\ngroup ").append(group.id()).append(' ').append(group.name());
            }
            for (Consumer consumer : config.consumers()) {
                all.append("\nconsumer ").append(consumer.id()).append(' ').append(consumer.username()).append(' ')
                        .append(consumer.customId()).append(' ').append(consumer.groupIds()).append(' ')
                        .append(consumer.acls().stream().map(Consumer.AclGroup::group).toList());
            }
            callers = Digests.sha256Hex(all.toString());
        }
        return callers;
    }
}
