package dev.toolgate.mode;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.toolgate.cluster.RedisSettings;
import dev.toolgate.cluster.Windows;
import dev.toolgate.config.ConfigNode;

import java.util.List;

/**
 * {@code config.tool_limits} (Toolgate extension): how often one caller may call one tool. A caller is
 * its consumer, else its credential, else (anonymous) its IP address. The windows here are the default
 * of every tool of the plugin; a tool's own {@code limit} replaces them. Over a limit, a
 * {@code tools/call} is answered with a tool result ({@code isError: true}) that names the limit and
 * when to retry (also in {@code _meta["dev.toolgate/rateLimit"]}), which a model can act on.
 *
 * @param windows       the default limit of every tool ({@code second} ... {@code year}, as in Kong's
 *                      rate-limiting), or null: only tools with their own {@code limit} are limited
 * @param policy        {@code local} (default: counts of this instance) or {@code redis} (shared by every instance)
 * @param redis         for {@code redis}: where (Kong's {@code redis} fields)
 * @param faultTolerant when the counters cannot be reached, let calls through (default true); false answers
 *                      the call with a tool error
 */
public record ToolLimitSettings(@JsonIgnore Windows windows, String policy, RedisSettings redis, boolean faultTolerant) {

    /** No {@code tool_limits}: tools with their own {@code limit} are counted in this process. */
    public static final ToolLimitSettings NONE = new ToolLimitSettings(null, "local", null, true);

    /** Shown by the Admin API as Kong writes them: {@code second} ... {@code year} beside the other fields. */
    @JsonAnyGetter
    public java.util.Map<String, Long> limits() {
        return windows == null ? java.util.Map.of() : windows.byName();
    }

    static ToolLimitSettings read(ConfigNode node) {
        Windows windows = Windows.read(node);
        String policy = node.oneOf("policy", "local", List.of("local", "redis"));
        RedisSettings redis = node.object("redis").map(RedisSettings::read).orElse(null);
        if ("redis".equals(policy) && redis == null) {
            redis = RedisSettings.read(ConfigNode.at(dev.toolgate.mcp.Json.object(), node.path("redis"), node.report()));
        }
        boolean faultTolerant = node.bool("fault_tolerant", true);
        node.finish();
        return new ToolLimitSettings(windows, policy, "redis".equals(policy) ? redis : null, faultTolerant);
    }

    /** A tool's limit: its own windows, else these. Null when it has none. */
    public ToolLimit of(Windows own) {
        Windows effective = own != null ? own : windows;
        return effective == null ? null : new ToolLimit(effective, this);
    }

    /**
     * One tool's effective limit, kept with the tool wherever it is served.
     *
     * @param windows  the windows counted
     * @param settings where the counts are, and what happens when they cannot be reached
     */
    public record ToolLimit(Windows windows, ToolLimitSettings settings) {
    }
}
