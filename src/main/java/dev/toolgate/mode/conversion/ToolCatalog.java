package dev.toolgate.mode.conversion;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.Plugin;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.LoggingSettings;
import dev.toolgate.mode.Mode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The compiled tools of every conversion plugin of one configuration, in document order. A
 * {@code conversion-listener} serves its own; a {@code listener} binds the union of every plugin whose
 * entity tags contain its {@code server.tag}.
 */
public final class ToolCatalog {

    // keyed by entity id: a Plugin record's own hash walks its whole configuration
    private final Map<String, Entry> byPlugin = new LinkedHashMap<>();
    /** The callers' views of every tool set of the configuration, within one budget: not one per endpoint. */
    private final ViewPages views = new ViewPages(ViewPages.BUDGET);

    private record Entry(Plugin plugin, List<Tool> tools) {
    }

    /** Adds a plugin's tools; a name defined twice in one plugin is a problem at the second place. */
    public void add(Plugin plugin, List<Tool> tools, ConfigReport report) {
        byPlugin.put(plugin.id(), new Entry(plugin, unique(tools, report)));
    }

    /** The tools a conversion-listener plugin serves. */
    public ToolSet of(Plugin plugin) {
        Entry entry = byPlugin.get(plugin.id());
        return new ToolSet(entry == null ? List.of() : entry.tools(), views);
    }

    /**
     * The tools a listener binds: those of every conversion plugin tagged {@code tag}. A name that two
     * bound plugins both define is a problem naming both places. The {@code listener} plugin serving them
     * on route {@code routeLabel} decides how the tools' ACLs identify the caller, so a bound plugin that
     * says otherwise is a problem at its path (fail closed: an ACL written for custom_ids would be matched
     * against usernames unseen). Kong documents
     * these fields as the listener's; its examples also repeat them on the tool sets, alike, which is accepted,
     * as is a tool set that leaves them at Kong's defaults (it cannot be told from one that leaves them out).
     * Each tool is served as the listener's server settings and {@code default_acl} say ({@link Tool#servedBy}).
     */
    public ToolSet bound(String tag, AiMcpProxyConfig listener, String routeLabel, ConfigReport report) {
        List<Tool> tools = new ArrayList<>();
        for (Entry entry : byPlugin.values()) {
            if (entry.plugin().tags().contains(tag)) {
                tools.addAll(entry.tools());
                if (listener != null && entry.plugin().config() instanceof AiMcpProxyConfig toolSet) {
                    agrees(entry.plugin(), toolSet, listener, routeLabel, report);
                }
            }
        }
        List<Tool> bound = unique(tools, report);
        if (listener == null) {
            return new ToolSet(bound, views);
        }
        bound.forEach(tool -> checkReplayHost(tool, routeLabel, report));
        return new ToolSet(bound.stream().map(t -> t.servedBy(listener)).toList(), views);
    }

    /**
     * A listener's client never reached the tool's route, so a {@code preserve_host} route's Host comes from the
     * tool's {@code host} or the route's hosts: a route of wildcards alone names none (Kong requires the tool's
     * {@code host} there), and a route without hosts has its service's Host sent, which the operator should know.
     * Said once per tool, however many listeners serve it.
     */
    private static void checkReplayHost(Tool tool, String routeLabel, ConfigReport report) {
        RequestTemplate request = tool.request();
        if (!request.preserveHost() || request.host() != null || request.namedRouteHost() != null) {
            return;
        }
        String at = tool.source() + ".host";
        if (!request.routeHosts().isEmpty()) {
            if (report.problems().stream().noneMatch(p -> p.path().equals(at))) {
                report.problem(at, "is required: the tool's route sets preserve_host and its hosts "
                        + request.routeHosts() + " are all wildcards, so a listener serving the tool (on route '"
                        + routeLabel + "') has no Host to send for it (Kong requires tools[].host on a wildcard route)");
            }
        } else if (report.warnings().stream().noneMatch(w -> w.path().equals(at))) {
            report.warning(at, "the tool's route sets preserve_host but names no hosts: a listener serving the tool "
                    + "(on route '" + routeLabel + "') sends its calls with the service's Host, never its own "
                    + "client's; set tools[].host to send another");
        }
    }

    /**
     * Warns at the listener's {@code server.tag} when no tool set carries it: the listener serves no tool
     * (Kong's troubleshooting names a mismatched tag as the usual cause of missing tools).
     */
    public void warnIfNoneTagged(String tag, Plugin listener, String routeLabel, ConfigReport report) {
        if (byPlugin.values().stream().noneMatch(entry -> entry.plugin().tags().contains(tag))) {
            report.warning(listener.source() + ".config.server.tag", "no conversion plugin is tagged '" + tag
                    + "': the listener on route '" + routeLabel + "' serves no tool (tool sets' tags: "
                    + tags() + ")");
        }
    }

    /**
     * Warns at each {@code conversion-only} tool set's {@code tags} when no listener of {@code listened} binds
     * one of them: its tools are served nowhere (its own route answers REST clients 404).
     */
    public void warnUnserved(Set<String> listened, ConfigReport report) {
        for (Entry entry : byPlugin.values()) {
            if (entry.plugin().config() instanceof AiMcpProxyConfig toolSet && toolSet.mode() == Mode.CONVERSION_ONLY
                    && entry.plugin().tags().stream().noneMatch(listened::contains)) {
                report.warning(entry.plugin().source() + ".tags", "no listener's server.tag is one of this "
                        + "conversion-only plugin's tags " + entry.plugin().tags() + ": its tools are served nowhere"
                        + " (listeners' tags: " + listed(listened) + ")");
            }
        }
    }

    private String tags() {
        Set<String> tags = new TreeSet<>();
        byPlugin.values().forEach(entry -> tags.addAll(entry.plugin().tags()));
        return listed(tags);
    }

    private static String listed(Set<String> tags) {
        return tags.isEmpty() ? "none" : String.join(", ", new TreeSet<>(tags));
    }

    private static String shown(String value) {
        return value == null ? "none" : value;
    }

    private static void agrees(Plugin plugin, AiMcpProxyConfig toolSet, AiMcpProxyConfig listener, String routeLabel,
                               ConfigReport report) {
        // field, Kong's default (what a tool set that leaves the field out has), the tool set's, the listener's
        String[][] fields = {
                {"consumer_identifier", "username", toolSet.consumerIdentifier(), listener.consumerIdentifier()},
                {"acl_attribute_type", "consumer", toolSet.aclAttributeType(), listener.aclAttributeType()},
                {"access_token_claim_field", null, toolSet.accessTokenClaimField(), listener.accessTokenClaimField()}};
        for (String[] f : fields) {
            String[] field = {f[0], f[2], f[3]};
            if (!Objects.equals(f[1], f[2]) && !Objects.equals(f[2], f[3])) {
                report.problem(plugin.source() + ".config." + field[0], "is " + shown(field[1]) + " here, but the "
                        + "listener on route '" + routeLabel + "' serving these tools has " + shown(field[2]) + ", and the listener "
                        + "decides how their ACLs identify the caller: set it alike on both, or only on the listener");
            }
        }
    }

    /**
     * What a listener serving the tool sets tagged {@code tag} logs: its own {@code logging}, and each switch
     * a {@code conversion-only} tool set among them turns on (Kong's how-tos set them on tool sets). The
     * listener logs the calls, of every tool it serves: a switch one tool set asks for applies to the route.
     */
    public LoggingSettings logging(String tag, LoggingSettings listener) {
        boolean statistics = listener.logStatistics();
        boolean payloads = listener.logPayloads();
        boolean audits = listener.logAudits();
        for (Entry entry : byPlugin.values()) {
            if (entry.plugin().tags().contains(tag) && entry.plugin().config() instanceof AiMcpProxyConfig toolSet
                    && toolSet.mode() == Mode.CONVERSION_ONLY) {
                statistics |= toolSet.logging().logStatistics();
                payloads |= toolSet.logging().logPayloads();
                audits |= toolSet.logging().logAudits();
            }
        }
        return new LoggingSettings(statistics, payloads, audits);
    }

    private static List<Tool> unique(List<Tool> tools, ConfigReport report) {
        Map<String, Tool> byName = new HashMap<>();
        List<Tool> unique = new ArrayList<>();
        for (Tool tool : tools) {
            Tool earlier = byName.putIfAbsent(tool.name(), tool);
            if (earlier == null) {
                unique.add(tool);
            } else if (earlier != tool) {
                report.problem(tool.source(), "tool name '" + tool.name() + "' is already used by " + earlier.source());
            }
        }
        return unique;
    }
}
