package dev.toolgate.gateway;

import dev.toolgate.admin.AdminView;
import dev.toolgate.cluster.Cluster;
import io.vertx.core.Future;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.mode.conversion.Sessions;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.AclRule;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficCounters;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What the Admin API sees of a running gateway: the snapshot being served, sessions and streams,
 * the traffic counters, and a way to apply a posted document.
 */
final class GatewayView implements AdminView {

    private final SnapshotSwitch snapshots;
    private final Sessions sessions;
    private final Cluster cluster;
    private final TrafficCounters traffic;
    private final Consumer<byte[]> apply;
    private final BooleanSupplier accepting;
    private final Telemetry telemetry;

    GatewayView(SnapshotSwitch snapshots, Sessions sessions, Cluster cluster, TrafficCounters traffic,
                Consumer<byte[]> apply, BooleanSupplier accepting, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.snapshots = snapshots;
        this.sessions = sessions;
        this.cluster = cluster;
        this.traffic = traffic;
        this.apply = apply;
        this.accepting = accepting;
    }

    @Override
    public boolean accepting() {
        return accepting.getAsBoolean();
    }

    @Override
    public DeclarativeConfig config() {
        return snapshots.current().config();
    }

    @Override
    public int toolCount() {
        return snapshots.current().toolCount();
    }

    @Override
    public List<ConfigProblem> warnings() {
        return snapshots.current().warnings();
    }

    @Override
    public Instant loadedAt() {
        return snapshots.current().loadedAt();
    }

    @Override
    public int sessions() {
        return cluster.memory().size();
    }

    @Override
    public Future<List<RedisHealth>> redis() {
        List<Future<RedisHealth>> checks = cluster.redis().stream().map(link -> link.ping()
                .map(nanos -> new RedisHealth(link.address(), true, nanos / 1_000_000.0, null))
                .otherwise(t -> new RedisHealth(link.address(), false, null, "unreachable"))).toList();
        return Future.all(checks).map(done -> checks.stream().map(Future::result).toList());
    }

    @Override
    public int streams() {
        return sessions.openStreams();
    }

    @Override
    public Map<String, Long> traffic() {
        return traffic.snapshot();
    }

    @Override
    public Telemetry telemetry() {
        return telemetry;
    }

    @Override
    public ArrayNode mcpRoutes() {
        Snapshot snapshot = snapshots.current();
        DeclarativeConfig config = snapshot.config();
        ArrayNode routes = Json.MAPPER.createArrayNode();
        for (Route route : config.routes()) {
            if (!snapshot.handlers().containsKey(route.id())) {
                continue;
            }
            Plugin plugin = SnapshotBuilder.effectivePlugin(config, route).orElse(null);
            if (plugin == null || !(plugin.config() instanceof AiMcpProxyConfig proxy)) {
                continue;
            }
            ObjectNode node = routes.addObject();
            node.put("route", route.label());
            node.put("mode", proxy.mode().kongName());
            node.put("paths", String.join(", ", route.paths()));
            config.service(route.serviceId()).ifPresent(s -> node.put("service", s.name() != null ? s.name() : s.id()));
            node.put("log_payloads", snapshot.logging().getOrDefault(route.id(), proxy.logging()).logPayloads());
            ArrayNode tools = node.putArray("tools");
            ToolSet served = snapshot.toolSets().get(route.id());
            if (served != null) {
                served.tools().forEach(t -> acl(tools.addObject().put("name", t.name()), t.acl().rule()));
            } else {
                proxy.tools().stream().filter(t -> t.name() != null).forEach(t -> acl(tools.addObject().put("name",
                        t.name()), t.acl() != null ? t.acl() : proxy.defaultAcl().isEmpty() ? null
                        : proxy.defaultAcl().getFirst()));
            }
        }
        return routes;
    }

    private static void acl(ObjectNode tool, AclRule rule) {
        if (rule == null || rule.isEmpty()) {
            tool.putNull("acl");
            return;
        }
        ObjectNode acl = tool.putObject("acl");
        rule.allow().forEach(acl.putArray("allow")::add);
        rule.deny().forEach(acl.putArray("deny")::add);
    }

    @Override
    public void apply(byte[] document) {
        apply.accept(document);
    }
}
