package dev.toolgate.gateway;

import dev.toolgate.admin.AdminView;
import dev.toolgate.cluster.Cluster;
import io.vertx.core.Future;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.mode.conversion.Sessions;
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

    GatewayView(SnapshotSwitch snapshots, Sessions sessions, Cluster cluster, TrafficCounters traffic,
                Consumer<byte[]> apply, BooleanSupplier accepting) {
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
    public void apply(byte[] document) {
        apply.accept(document);
    }
}
