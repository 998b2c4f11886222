package dev.toolgate.gateway;

import dev.toolgate.config.Service;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.Mode;
import dev.toolgate.mode.RouteRuntime;
import dev.toolgate.mode.conversion.Sessions;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.mode.passthrough.EraBridges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The snapshot being served, and the one place it changes. Requests read it once and finish on the
 * snapshot they started with; a swap tells the sessions of endpoints whose tools, or who may see which of
 * them, changed (the
 * {@code notifications/tools/list_changed} on open streams), ends those of endpoints that are gone and those an
 * endpoint would now admit otherwise (its policies changed, or the consumer that opened one), ends the legacy
 * bridge's calls of passthrough routes that are gone, the streams relayed on passthrough routes that are gone and
 * the GET streams of those that run otherwise now ({@link RouteRuntime}), and the sessions that the bridges and
 * bindings of passthrough routes that are gone, relay elsewhere or are served in another mode held, and prepares
 * the new tools off the event loops.
 */
final class SnapshotSwitch {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSwitch.class);

    private final AtomicReference<Snapshot> current = new AtomicReference<>();
    private final Sessions sessions;
    private final EraBridges bridges;

    SnapshotSwitch(Sessions sessions, EraBridges bridges) {
        this.sessions = sessions;
        this.bridges = bridges;
    }

    Snapshot current() {
        return current.get();
    }

    void swap(Snapshot next) {
        next.warnings().forEach(w -> LOG.warn("config: {}", w));
        bridges.serving(next.runtimes());
        sessions.serving(next.runtimes());
        Snapshot previous = current.getAndSet(next);
        prepareInBackground(next);
        if (previous == null) {
            return;
        }
        // a call waiting on a route that is gone could get no more answers from its client: it ends now, saying so;
        // a stream relayed under policies that are gone ends, and its client reconnects under those served now
        bridges.routesKept(next.runtimes());
        // their sessions too, in this process at once; and, wherever kept, for a route of the same name loaded again
        previous.runtimes().keySet().stream().filter(route -> !relaysAsBefore(previous, next, route))
                .forEach(bridges::routeRemoved);
        // not only the definitions: a reload that changes only who may see which tools changes callers' lists too
        for (Map.Entry<String, String> old : previous.listVersions().entrySet()) {
            String now = next.listVersions().get(old.getKey());
            if (now == null) {
                sessions.closeEndpoint(old.getKey());
            } else if (!now.equals(old.getValue())) {
                int told = sessions.toolsChanged(old.getKey(), now);
                LOG.info("tools of endpoint {} or who may see them changed; notified {} open streams", old.getKey(), told);
            }
            if (now != null) {
                readmit(old.getKey(), previous.runtimes().get(old.getKey()), next.runtimes().get(old.getKey()));
            }
        }
    }

    /** Where route {@code routeId} relays to in {@code snapshot}: its service's URL, or null without one. */
    private static String upstream(Snapshot snapshot, String routeId) {
        return snapshot.config().route(routeId).flatMap(route -> snapshot.config().service(route.serviceId()))
                .map(Service::url).orElse(null);
    }

    /** How route {@code routeId} is served in {@code snapshot} (its {@code ai-mcp-proxy} mode), or null. */
    private static Mode mode(Snapshot snapshot, String routeId) {
        return snapshot.config().route(routeId).flatMap(route -> SnapshotBuilder.effectivePlugin(snapshot.config(), route))
                .map(plugin -> ((AiMcpProxyConfig) plugin.config()).mode()).orElse(null);
    }

    /**
     * Whether route {@code routeId} relays in {@code next} as in {@code previous}. A route that now relays elsewhere
     * is another route to its sessions: a bound session would carry the old server's session id to the new one,
     * which never gave it (another tenant's, perhaps). So is a passthrough route served in another mode, whatever its
     * URL (a conversion endpoint relays to no legacy server). A route turned passthrough held nothing to end: marking
     * it removed would refuse, on an instance reloading later in a rolling reload, the sessions the instances that
     * reloaded first have bound since.
     */
    private static boolean relaysAsBefore(Snapshot previous, Snapshot next, String routeId) {
        if (!next.runtimes().containsKey(routeId)
                || !Objects.equals(upstream(previous, routeId), upstream(next, routeId))) {
            return false;
        }
        return mode(previous, routeId) != Mode.PASSTHROUGH_LISTENER
                || mode(next, routeId) == Mode.PASSTHROUGH_LISTENER;
    }

    /**
     * Ends the GET streams of an endpoint whose route runs otherwise now that it would not admit as they were
     * (after any notification above: it reaches them first), so that they are opened again through the policies
     * served now; each call was judged as it came, but a stream was judged once, when it opened.
     */
    private void readmit(String endpoint, RouteRuntime before, RouteRuntime after) {
        if (before != null && after != null && !after.equals(before)) {
            int ended = sessions.readmit(endpoint, after);
            if (ended > 0) {
                LOG.info("policies of endpoint {} changed; ended {} open streams", endpoint, ended);
            }
        }
    }

    /**
     * Compiles the validators that wait for first use, so calls rarely do, and compresses the tool
     * lists for clients that accept gzip; off the event loops.
     */
    private static void prepareInBackground(Snapshot snapshot) {
        Thread.ofVirtual().name("prepare-tools").start(() -> {
            long started = System.nanoTime();
            int tools = 0;
            for (ToolSet set : snapshot.toolSets().values()) {
                set.compressPages();
                for (var tool : set.tools()) {
                    try {
                        tool.prepare();
                        tools++;
                    } catch (RuntimeException e) {
                        // the tool's calls will fail through the error net; the others still get prepared
                        LOG.error("preparing the validators of tool {} ({}) failed", tool.name(), tool.source(), e);
                    }
                }
            }
            LOG.debug("validators of {} tools ready {} ms after the swap", tools, (System.nanoTime() - started) / 1_000_000);
        });
    }
}
