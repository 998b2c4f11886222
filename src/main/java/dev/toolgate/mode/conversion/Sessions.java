package dev.toolgate.mode.conversion;

import dev.toolgate.cluster.InMemorySessionStore;
import dev.toolgate.cluster.Removals;
import dev.toolgate.cluster.SessionBus;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SseEvent;
import dev.toolgate.http.ClientStreams;
import dev.toolgate.mode.RouteRuntime;
import dev.toolgate.pipeline.Principal;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.time.InstantSource;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What MCP endpoints keep in this process across configuration reloads, whatever store their
 * sessions are in: the GET streams open here (one per session), and the calls running here (so
 * {@code notifications/cancelled} can stop them). Other instances reach them through the
 * {@link SessionBus}: a session ended there closes its stream here, a cancellation sent there stops
 * the call here, and a tool change anywhere reaches the streams open here. One client address holds at
 * most as many streams here as it may hold sessions: with {@code client} sessions, which cost nothing to
 * start, streams are the only thing it could pile up.
 */
public final class Sessions {

    /**
     * The SSE {@code retry} (ms) written before a GET stream ends that its client is expected to open again: the
     * gateway stops (clients reopen it on another instance) or a reload changed the endpoint's policies. MCP asks
     * a server that closes a stream it means to be resumed to send one (SHOULD); without it every client picks
     * its own wait (the TypeScript SDK: 1 s, doubling), all at once. Not written when the stream ends for good:
     * its session ended (a client must not come back to it), its endpoint is gone, or a newer GET of the session
     * took its place. The gateway's one wait ({@link SseEvent#RECONNECT_AFTER_MS}), relayed streams' too.
     */
    public static final long RECONNECT_AFTER_MS = SseEvent.RECONNECT_AFTER_MS;

    private static final String TOOLS_CHANGED =
            Json.text(JsonRpc.notification("notifications/tools/list_changed", null));

    /**
     * @param client  the client address it is counted for, or null when unknown
     * @param runtime what its route ran with when it was admitted, or null where no reload can follow
     * @param caller  who the route's authentication found opening it
     */
    private record Stream(String endpoint, String client, HttpServerResponse response, Context context,
                          RouteRuntime runtime, Principal caller) {

        /**
         * Whether a route running as {@code now} (null: gone) admits it as it was admitted; {@code admits} holds
         * the route-wide verdict per runtime it was opened with ({@link RouteRuntime#admitsAsBefore}).
         */
        boolean admittedBy(RouteRuntime now, Map<RouteRuntime, Boolean> admits) {
            if (now == null || now == runtime) {
                return now != null;
            }
            // without the runtime it was admitted under, nothing tells it was admitted as now: fail closed
            return runtime != null && admits.computeIfAbsent(runtime, now::admitsAsBefore)
                    && now.knowsAsBefore(runtime, caller);
        }
    }

    /** What asking for a GET stream came to. */
    enum Opened {
        OPEN,
        /** the client address holds as many streams here as allowed */
        CLIENT_AT_CAP,
        /** the gateway is stopping: its streams were ended, and a new one would hold the stop */
        STOPPING,
        /**
         * a reload changed the policies it was admitted through while it was being opened: it is to end at once,
         * told when to open it again ({@link #RECONNECT_AFTER_MS}), as those open then were
         */
        READMIT
    }

    private final SessionBus bus;
    private final InMemorySessionStore memory;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
    private final ClientStreams streamsPerClient;
    private final RunningCalls calls = new RunningCalls();
    private final ConcurrentHashMap<String, String> toldFingerprint = new ConcurrentHashMap<>();
    /** When a reload removed each endpoint here: the sessions begun before are unknown to one loaded again. */
    private final Removals removals;
    /** Set once the streams are ended for the stop; no new one opens after it. */
    private volatile boolean stopping;
    /** The routes of the snapshot served, or about to be, and what each runs with; null before the first. */
    private volatile Map<String, RouteRuntime> served;

    /**
     * @param memory              the sessions held in this process, those of a removed endpoint ended with it
     * @param maxStreamsPerClient how many GET streams one client address may hold open here
     */
    public Sessions(SessionBus bus, InMemorySessionStore memory, InstantSource clock, int maxStreamsPerClient) {
        this.bus = bus;
        this.memory = memory;
        this.clock = clock;
        this.removals = new Removals(clock);
        this.streamsPerClient = new ClientStreams(maxStreamsPerClient);
        bus.listen(this::heard);
    }

    public InstantSource clock() {
        return clock;
    }

    /**
     * Registers a session's GET stream, counted for {@code client} (its address, or null when unknown). A stream
     * the session already has here is ended and replaced: a client whose network dropped reconnects long before
     * the kernel gives up on the dead socket, and refusing it would send its notifications to that socket.
     * {@code runtime} is what the endpoint's route ran with when {@code caller} was admitted, which a reload may
     * change while the session is looked up.
     */
    Opened openStream(String sessionId, String endpoint, String client, HttpServerResponse response, Context context,
                      RouteRuntime runtime, Principal caller) {
        if (stopping) {
            return Opened.STOPPING;
        }
        if (client != null && !take(client)) {
            return Opened.CLIENT_AT_CAP;
        }
        Stream stream = new Stream(endpoint, client, response, context, runtime, caller);
        Stream replaced = streams.put(sessionId, stream);
        if (replaced != null) {
            release(replaced.client());
            replaced.context().runOnContext(v -> replaced.response().end());
        }
        // the stop began between the look above and here: closeStreams may not have seen this one
        if (stopping && streams.remove(sessionId, stream)) {
            release(client);
            return Opened.STOPPING;
        }
        // admitted on the snapshot before a reload, it may register after the reload's sweep: add first, then
        // read what the reload left, as the sweep writes first, then reads
        Map<String, RouteRuntime> now = served;
        if (now != null && !stream.admittedBy(now.get(endpoint), new IdentityHashMap<>())
                && streams.remove(sessionId, stream)) {
            release(client);
            return Opened.READMIT;
        }
        return Opened.OPEN;
    }

    void streamClosed(String sessionId, HttpServerResponse response) {
        Stream stream = streams.get(sessionId);
        if (stream != null && stream.response() == response && streams.remove(sessionId, stream)) {
            release(stream.client());
        }
    }

    private boolean take(String client) {
        return streamsPerClient.take(client);
    }

    private void release(String client) {
        streamsPerClient.release(client);
    }

    /** What each client address holds open here: passthrough exchanges count against it too. */
    public ClientStreams clientStreams() {
        return streamsPerClient;
    }

    /** A session was ended here: its GET stream ends wherever it is open. */
    void ended(String endpoint, String sessionId) {
        closeStream(sessionId);
        bus.publish(new SessionBus.Event("ended", endpoint, sessionId, null));
    }

    /** Ends a session's GET stream here for good, if any. */
    private void closeStream(String sessionId) {
        closeStream(sessionId, false);
    }

    /**
     * Ends a session's GET stream here, if any; when the client is to open it again ({@code reopened}), after
     * telling it how soon ({@link #RECONNECT_AFTER_MS}).
     */
    private void closeStream(String sessionId, boolean reopened) {
        Stream stream = streams.remove(sessionId);
        if (stream != null) {
            release(stream.client());
            stream.context().runOnContext(v -> {
                if (reopened && !stream.response().closed() && !stream.response().ended()) {
                    stream.response().write(Buffer.buffer(SseEvent.retry(RECONNECT_AFTER_MS)));
                }
                stream.response().end();
            });
        }
    }

    /**
     * The tools of an endpoint, or who may see which of them, changed: {@code notifications/tools/list_changed}
     * goes to its streams here and on every other instance, once per new version of the list ({@code fingerprint};
     * the instances that load the same change do not tell the streams again). Returns how many streams here got it.
     */
    public int toolsChanged(String endpoint, String fingerprint) {
        int told = notifyOnce(endpoint, fingerprint, TOOLS_CHANGED);
        bus.publish(new SessionBus.Event("tools", endpoint, null, fingerprint));
        return told;
    }

    private int notifyOnce(String endpoint, String fingerprint, String message) {
        if (fingerprint.equals(toldFingerprint.put(endpoint, fingerprint))) {
            return 0;
        }
        return notifyEndpoint(endpoint, message);
    }

    /** Sends a notification on the GET stream of every session of {@code endpoint} open here. */
    private int notifyEndpoint(String endpoint, String message) {
        byte[] event = SseEvent.message(null, message);
        int sent = 0;
        for (Stream stream : streams.values()) {
            if (stream.endpoint().equals(endpoint)) {
                stream.context().runOnContext(v -> {
                    if (!stream.response().closed()) {
                        stream.response().write(Buffer.buffer(event));
                    }
                });
                sent++;
            }
        }
        return sent;
    }

    /**
     * Ends the sessions of an endpoint that no longer exists: its GET streams here, the sessions this process
     * holds (their places under the session caps freed), and, should a route of the same name come back, any
     * session begun before now ({@link #predatesRemoval}). Sessions in Redis are left there: another instance
     * may serve the endpoint still (a rolling reload), and its clients go on there.
     */
    public void closeEndpoint(String endpoint) {
        removals.removed(endpoint);
        streams.forEach((session, stream) -> {
            if (stream.endpoint().equals(endpoint)) {
                closeStream(session);
            }
        });
        memory.endEndpoint(endpoint);
    }

    /**
     * Whether a session began no later than its endpoint was last removed here: it ended with the endpoint, and
     * the endpoint served now under that name answers it as unknown (its client starts a new one). An instance
     * that never removed the endpoint accepts it, as the fleet's others it was begun on.
     */
    boolean predatesRemoval(Session session) {
        return removals.predates(session.endpoint(), session);
    }

    /**
     * The routes a snapshot about to be served serves, and what each runs with, told before it is: a GET stream
     * registering from then on is judged against them ({@link #openStream}).
     */
    public void serving(Map<String, RouteRuntime> routes) {
        served = Map.copyOf(routes);
    }

    /**
     * Ends the GET streams of an endpoint whose route now runs as {@code now} that it would not admit as they were
     * admitted ({@link RouteRuntime#admitsAsBefore}, {@link RouteRuntime#knowsAsBefore}), keeping their
     * sessions: the clients open them again through the policies served now, told when
     * ({@link #RECONNECT_AFTER_MS}). Returns how many were ended here.
     */
    public int readmit(String endpoint, RouteRuntime now) {
        // each runtime the streams were opened with is compared once: many streams share a few of them
        Map<RouteRuntime, Boolean> admits = new IdentityHashMap<>();
        int ended = 0;
        for (var open : streams.entrySet()) {
            Stream stream = open.getValue();
            if (stream.endpoint().equals(endpoint) && !stream.admittedBy(now, admits)) {
                closeStream(open.getKey(), true);
                ended++;
            }
        }
        return ended;
    }

    /**
     * Ends every GET stream, telling its client when to open it again ({@link #RECONNECT_AFTER_MS}), and refuses
     * those asked for from now on (the gateway stops; clients open them again, elsewhere): one whose session
     * lookup ended after this would hold the stop for its whole grace.
     */
    public void closeStreams() {
        stopping = true;
        streams.keySet().forEach(session -> closeStream(session, true));
    }

    /** How many GET streams one client address may hold open here. */
    int maxStreamsPerClient() {
        return streamsPerClient.max();
    }

    public int openStreams() {
        return streams.size();
    }

    /** The calls running here that a cancellation may stop. */
    RunningCalls calls() {
        return calls;
    }

    /** Cancels a call running here, or asks the other instances to (it may run there). */
    void cancel(String endpoint, String sessionId, String requestId) {
        if (!calls.cancel(ToolCalls.callKey(sessionId, requestId))) {
            bus.publish(new SessionBus.Event("cancelled", endpoint, sessionId, requestId));
        }
    }

    private void heard(SessionBus.Event event) {
        switch (event.kind()) {
            case "ended" -> closeStream(event.session());
            case "cancelled" -> calls.cancel(ToolCalls.callKey(event.session(), event.detail()));
            case "tools" -> notifyOnce(event.endpoint(), event.detail(), TOOLS_CHANGED);
            default -> {
            }
        }
    }
}
