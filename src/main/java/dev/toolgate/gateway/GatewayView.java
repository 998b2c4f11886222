package dev.toolgate.gateway;

import dev.toolgate.admin.AdminView;
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
    private final TrafficCounters traffic;
    private final Consumer<byte[]> apply;
    private final BooleanSupplier accepting;

    GatewayView(SnapshotSwitch snapshots, Sessions sessions, TrafficCounters traffic, Consumer<byte[]> apply,
                BooleanSupplier accepting) {
        this.snapshots = snapshots;
        this.sessions = sessions;
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
        return sessions.store().size();
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
