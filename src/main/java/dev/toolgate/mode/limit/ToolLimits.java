package dev.toolgate.mode.limit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.cluster.Cluster;
import dev.toolgate.cluster.Counters;
import dev.toolgate.cluster.Usage;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ToolLimitSettings.ToolLimit;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.McpCall;
import dev.toolgate.pipeline.MessagePolicy;
import dev.toolgate.pipeline.Principal;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-tool limits on one endpoint, for every mode: each {@code tools/call} is counted for its caller
 * (the consumer, else the credential, else the IP address of an anonymous caller) and tool, in fixed
 * windows as Kong's rate-limiting counts. A passthrough route forwards any name: the tools it does not
 * list share one count per caller (its default limit), so names a client makes up are not counters of
 * their own. Over the limit, the call is not made: it is answered with a tool result,
 * {@code isError: true}, whose text names the limit and when to retry, and whose
 * {@code _meta["dev.toolgate/rateLimit"]} says the same for programs. Other methods pass, and so does a
 * request that only continues a call already counted ({@link McpCall#resumes}). A call that names no tool
 * is refused ({@link McpCall#unnamed}), as where tool ACLs apply.
 */
public final class ToolLimits implements MessagePolicy {

    /** The {@code _meta} key of a limit's answer. */
    public static final String META = "dev.toolgate/rateLimit";

    /** One tool's limit, with the counters it is counted in and the key prefix its counts share. */
    private record Limited(ToolLimit limit, Counters counters, String scope) {
    }

    private final Map<String, Limited> byTool = new HashMap<>();
    private final Limited unlisted;

    /**
     * @param limits   the limited tools by name, each with the scope of its counts (the route that defines it)
     * @param unlisted the limit of a tool not in {@code limits} (passthrough: the plugin's default), or null
     */
    public ToolLimits(Map<String, Scoped> limits, Scoped unlisted, Cluster cluster) {
        limits.forEach((tool, scoped) -> byTool.put(tool, limited(scoped, cluster)));
        this.unlisted = unlisted == null ? null : limited(unlisted, cluster);
    }

    /**
     * A limit and the scope of its counts.
     *
     * @param limit the windows and where they are counted
     * @param scope what the counts belong to besides caller and tool: the route of the plugin that defines the tool
     */
    public record Scoped(ToolLimit limit, String scope) {
    }

    private static Limited limited(Scoped scoped, Cluster cluster) {
        var settings = scoped.limit().settings();
        Counters counters = "redis".equals(settings.policy()) ? cluster.redis(settings.redis()) : cluster.local();
        return new Limited(scoped.limit(), counters, scoped.scope());
    }

    /** True when some tool is limited: without any, the endpoint needs no counting. */
    public boolean limits() {
        return !byTool.isEmpty() || unlisted != null;
    }

    @Override
    public Future<Decision> admit(McpCall call) {
        Future<Decision> unnamed = call.unnamed();
        if (unnamed != null) {
            // uncounted, it would reach a passthrough server that may run it under some name
            return unnamed;
        }
        if (!call.isToolCall() || call.resumes()) {
            return Decision.PROCEED;
        }
        Limited listed = byTool.get(call.tool());
        Limited limited = listed != null ? listed : unlisted;
        if (limited == null) {
            return Decision.PROCEED;
        }
        // a name the route does not list (passthrough forwards any) shares one count per caller with every other
        // such name: counted apart, each name a client makes up would be a counter, in Redis until its window ends
        String key = listed != null ? "tool|" + limited.scope() + "|" + call.tool() + "|" + caller(call)
                : "tools-unlisted|" + limited.scope() + "|" + caller(call);
        // the events say what the limit did, which only it knows: a call refused before it, or not limited, says
        // nothing, and one whose counters could not be reached was not checked, whether let through or refused
        RpcRecord record = call.record();
        return limited.counters().hit(key, limited.limit().windows()).transform(counted -> {
            if (counted.failed()) {
                record.rateLimit(RpcRecord.LIMIT_UNCHECKED);
                return limited.limit().settings().faultTolerant() ? Decision.PROCEED
                        : Future.succeededFuture(new Decision.ToolResult(unavailable(call.tool()),
                        id -> new GatewayError.WithheldLimitUnchecked(id, call.tool())));
            }
            Usage usage = counted.result();
            record.rateLimit(usage.allowed() ? RpcRecord.LIMIT_ALLOW : RpcRecord.LIMIT_REJECT);
            return Future.succeededFuture(usage.allowed()
                    ? new Decision.Continue(() -> limited.counters().giveBack(key, usage))
                    : new Decision.ToolResult(exceeded(call.tool(), listed == null, usage),
                    id -> new GatewayError.WithheldByLimit(id, call.tool())));
        });
    }

    private static String caller(McpCall call) {
        Principal caller = call.exchange().principal();
        if (caller.consumer() != null && !caller.anonymous()) {
            return "consumer:" + caller.consumer().id();
        }
        if (caller.credential() != null) {
            return "credential:" + caller.credential().id();
        }
        return "ip:" + call.exchange().clientAddress();
    }

    /** @param unlisted the tool is one the route does not list, counted with all the others it does not list */
    static ObjectNode exceeded(String tool, boolean unlisted, Usage usage) {
        var window = usage.exceeded();
        long limit = usage.windows().limits().get(window);
        long retry = window.resetSeconds(usage.atMillis());
        String calls = limit + " call" + (limit == 1 ? "" : "s") + " per " + window.key() + " per caller";
        ObjectNode result = error("Rate limit reached: " + (unlisted
                ? "tool '" + tool + "' and the other tools this route does not list allow " + calls + " together"
                : "tool '" + tool + "' allows " + calls) + ". Retry in " + retry + " second" + (retry == 1 ? "" : "s")
                + ".");
        ObjectNode meta = result.putObject("_meta").putObject(META);
        meta.put("tool", tool);
        meta.put("window", window.key());
        meta.put("limit", limit);
        meta.put("retryAfterSeconds", retry);
        return result;
    }

    private static ObjectNode unavailable(String tool) {
        return error("The rate limit of tool '" + tool + "' cannot be checked right now, so the call was not made. "
                + "Retry in a few seconds.");
    }

    private static ObjectNode error(String text) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        return result;
    }
}
