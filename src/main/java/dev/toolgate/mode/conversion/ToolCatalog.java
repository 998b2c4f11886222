package dev.toolgate.mode.conversion;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.Plugin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled tools of every conversion plugin of one configuration, in document order. A
 * {@code conversion-listener} serves its own; a {@code listener} binds the union of every plugin whose
 * entity tags contain its {@code server.tag}.
 */
public final class ToolCatalog {

    // keyed by entity id: a Plugin record's own hash walks its whole configuration
    private final Map<String, Entry> byPlugin = new LinkedHashMap<>();

    private record Entry(Plugin plugin, List<Tool> tools) {
    }

    /** Adds a plugin's tools; a name defined twice in one plugin is a problem at the second place. */
    public void add(Plugin plugin, List<Tool> tools, ConfigReport report) {
        byPlugin.put(plugin.id(), new Entry(plugin, unique(tools, report)));
    }

    /** The tools a conversion-listener plugin serves. */
    public ToolSet of(Plugin plugin) {
        Entry entry = byPlugin.get(plugin.id());
        return new ToolSet(entry == null ? List.of() : entry.tools());
    }

    /**
     * The tools a listener binds: those of every conversion plugin tagged {@code tag}. A name that two
     * bound plugins both define is a problem naming both places.
     */
    public ToolSet bound(String tag, ConfigReport report) {
        List<Tool> tools = new ArrayList<>();
        for (Entry entry : byPlugin.values()) {
            if (entry.plugin().tags().contains(tag)) {
                tools.addAll(entry.tools());
            }
        }
        return new ToolSet(unique(tools, report));
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
