package dev.toolgate.mode.passthrough;

import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.observe.ErrorTypes;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.Observation;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pairs the requests a legacy (2024-11-05) HTTP+SSE client POSTs with the answers its server sends on the session's
 * GET stream, so that each call is recorded as the call it is: from the POST to its answer's event, with that
 * answer's size and outcome, not as the 202 that accepted it. The stream names the URL of its session's POSTs in its
 * first event ({@code endpoint}); a POST forwarded to that URL on the same route, by the caller that opened the stream
 * ({@link #caller}), hands its requests' records to the stream ({@link RpcRecord#answerFollows}), which finishes each
 * with its answer, or unanswered when the stream ends ({@link McpEvent#STREAM_ENDED}) or {@link #MOST_AWAITED_MILLIS}
 * pass first ({@link McpEvent#NOT_ANSWERED_IN_TIME}): once, whichever comes first. Not the service's
 * {@code read_timeout}: that is the time between two reads, which the gateway does not apply to a stream, and a slow
 * call's client gets its answer however late it comes. A POST answered otherwise than 202 (refused, failed, its
 * client gone) takes its requests off the stream at once, and its outcome records them. Kept for the gateway's lifetime (a stream
 * outlives reloads); bounded: at most {@link #MOST_STREAMS} streams, {@link #MOST_AWAITED} requests each and
 * {@link #MOST_AWAITED_IN_ALL} in all (each holds its exchange until its answer comes: a client posting requests its
 * server never answers must not hold thousands of exchanges per stream for minutes). A request
 * beyond them, one whose id another awaits on its stream, one another caller sent, or one sent where no stream named
 * (two streams naming one URL name none, nor does any later one while one of them is open) is recorded by its POST's
 * answer, as before: an answer is never recorded as another client's call's.
 */
final class LegacyAnswers {

    static final int MOST_STREAMS = 10_000;
    static final int MOST_AWAITED = 1_000;
    static final int MOST_AWAITED_IN_ALL = 10_000;
    /** How long a request awaits its answer on an open stream: as long as the gateway keeps any unanswered request. */
    static final long MOST_AWAITED_MILLIS = 10L * 60 * 1_000;
    /** The longest endpoint read: a URL, not a body. */
    private static final int MOST_ENDPOINT_BYTES = 4096;

    /** The streams by route id, then by the path and query of the endpoint they named, as sent upstream. */
    private final Map<String, Map<String, Named>> routes = new ConcurrentHashMap<>();
    /** Streams counted in {@link #routes}, at most {@link #MOST_STREAMS}. */
    private final AtomicInteger named = new AtomicInteger();
    /** Requests awaiting their answers on all the streams. */
    private final AtomicInteger awaitedInAll = new AtomicInteger();

    /**
     * A legacy GET stream relayed on route {@code routeId} to {@code exchange}'s client, whose upstream request was
     * {@code uri} (what a relative endpoint is resolved against). Confined to the stream's event loop, but for
     * {@link #forwarded}.
     */
    Stream stream(String routeId, String uri, Exchange exchange) {
        return new Stream(routeId, uri, caller(exchange));
    }

    /**
     * A POST on route {@code routeId} is forwarded to {@code uri} (path and query) now, on its exchange's event loop:
     * its requests await their answers on the stream that named that URL, if one alone did and the same caller opened
     * it. Costs a map lookup or two.
     */
    void forwarded(String routeId, String uri, PassthroughRecorder recorder, Exchange exchange) {
        Map<String, Named> streams = routes.isEmpty() ? null : routes.get(routeId);
        Named named = streams == null ? null : streams.get(uri);
        Stream stream = named == null ? null : named.alone;
        if (stream != null && stream.caller != null && stream.caller.equals(caller(exchange))) {
            stream.await(recorder);
        }
    }

    /**
     * Who a stream's answers belong to: the credential that authenticated the caller, else its client address; null
     * when neither is known (nothing is paired then). A server naming one endpoint for every session tells its
     * sessions apart by what the gateway cannot read (a cookie, a header of its own): a POST from another caller
     * than the stream's may be answered on another stream, and its record would show another client's answer.
     */
    static String caller(Exchange exchange) {
        String owner = exchange.principal().authenticated() ? exchange.principal().sessionOwner() : null;
        if (owner != null) {
            return "credential:" + owner;
        }
        String address = exchange.clientAddress();
        return address == null ? null : "address:" + address;
    }

    /**
     * The streams that named one URL on a route, while any is open: the one that alone did, or none once two did
     * (which one a POST there belongs to is not known, nor is it for a later one while any of them is open).
     * Changed only inside its route's map's {@code compute}.
     */
    private static final class Named {
        private volatile Stream alone;
        private int streams = 1;

        Named(Stream alone) {
            this.alone = alone;
        }
    }

    /** One session's stream: the requests that await their answers on it, by JSON-RPC id. */
    final class Stream {

        private final String routeId;
        private final String uri;
        /** Whose stream it is ({@link LegacyAnswers#caller}), or null. */
        private final String caller;
        private final Map<String, Awaited> awaited = new ConcurrentHashMap<>();
        /** Its first event was read (the endpoint, or not: nothing is paired then). */
        private boolean begun;
        /** The endpoint it named, as it is counted in {@link #routes}; null when none is. */
        private volatile String endpoint;
        private volatile boolean closed;

        private Stream(String routeId, String uri, String caller) {
            this.routeId = routeId;
            this.uri = uri;
            this.caller = caller;
        }

        /** One event's data, and the messages {@code MessageTap} read in it (none: not JSON-RPC). */
        void read(byte[] bytes, int offset, int length, List<McpEnvelope> messages) {
            if (!begun) {
                begun = true;
                if (messages.isEmpty() && length <= MOST_ENDPOINT_BYTES) {
                    named(new String(bytes, offset, length, StandardCharsets.UTF_8).trim());
                }
                return;
            }
            if (awaited.isEmpty()) {
                return;
            }
            for (McpEnvelope m : messages) {
                String id = m.method() == null && (m.result() || m.error()) ? m.idText() : null;
                Awaited call = id == null ? null : awaited.remove(id);
                if (call != null) {
                    call.answered(m, bytes, offset);
                }
            }
        }

        /** The stream ended (the server closed it, its client left, the gateway ended it): what awaits, ends. */
        void closed() {
            if (closed) {
                return;
            }
            closed = true; // before the walk: a POST that registers meanwhile sees it and ends its own
            if (endpoint != null) {
                routes.computeIfPresent(routeId, (id, streams) -> {
                    streams.computeIfPresent(endpoint, (path, same) -> {
                        if (same.alone == this) {
                            same.alone = null;
                        }
                        return --same.streams == 0 ? null : same;
                    });
                    return streams.isEmpty() ? null : streams;
                });
                named.decrementAndGet();
            }
            awaited.forEach((id, call) -> {
                if (awaited.remove(id, call)) {
                    call.unanswered(McpEvent.STREAM_ENDED);
                }
            });
        }

        /** The endpoint event: kept by its path and query as the gateway will forward a POST there. */
        private void named(String text) {
            if (!text.startsWith("/") && !text.startsWith("http://") && !text.startsWith("https://")) {
                return; // the SDKs name a path ("/messages?sessionId=..."), some a URL; anything else is no endpoint
            }
            String path;
            try {
                URI resolved = URI.create("http://upstream").resolve(uri).resolve(text);
                if (resolved.getRawPath() == null || resolved.getRawPath().isEmpty()) {
                    return;
                }
                path = resolved.getRawQuery() == null ? resolved.getRawPath()
                        : resolved.getRawPath() + "?" + resolved.getRawQuery();
            } catch (IllegalArgumentException e) {
                return; // not a URL: nothing is paired on this stream
            }
            if (named.incrementAndGet() > MOST_STREAMS) {
                named.decrementAndGet();
                // not counted, but the URL it names is no one stream's any more
                routes.computeIfPresent(routeId, (id, streams) -> {
                    streams.computeIfPresent(path, (p, same) -> {
                        same.alone = null;
                        return same;
                    });
                    return streams;
                });
                return;
            }
            routes.compute(routeId, (id, streams) -> {
                Map<String, Named> kept = streams == null ? new ConcurrentHashMap<>() : streams;
                kept.compute(path, (p, same) -> {
                    if (same == null) {
                        return new Named(this);
                    }
                    // two streams named one URL: which one a POST there belongs to is not known; none is paired,
                    // a later one neither, until all that named it ended
                    same.alone = null;
                    same.streams++;
                    return same;
                });
                return kept;
            });
            endpoint = path;
        }

        /** A POST's requests, on its exchange's event loop: each awaits its answer here, if it may. */
        private void await(PassthroughRecorder recorder) {
            Context context = Vertx.currentContext();
            if (context == null) {
                return; // off an event loop nothing could finish the records where they belong: the POST records them
            }
            Set<String> seen = null;
            Set<String> repeated = Set.of();
            RpcRecord first = recorder.request(0);
            if (recorder.request(1) != RpcRecord.NONE) {
                // a batch that repeats an id: its answers cannot be told apart (PassthroughRecorder): none awaits here
                seen = new HashSet<>();
                repeated = new HashSet<>();
                for (int i = 0; recorder.request(i) != RpcRecord.NONE; i++) {
                    String id = recorder.request(i).idText();
                    if (id != null && !seen.add(id)) {
                        repeated.add(id);
                    }
                }
            }
            for (int i = 0; i < MOST_AWAITED; i++) {
                RpcRecord record = i == 0 ? first : recorder.request(i);
                if (record == RpcRecord.NONE) {
                    return;
                }
                String id = record.idText();
                if (id == null || repeated.contains(id) || awaited.size() >= MOST_AWAITED) {
                    continue;
                }
                if (awaitedInAll.incrementAndGet() > MOST_AWAITED_IN_ALL) {
                    awaitedInAll.decrementAndGet();
                    continue;
                }
                Awaited call = new Awaited(record, context);
                if (awaited.putIfAbsent(id, call) != null) {
                    awaitedInAll.decrementAndGet();
                    continue; // another request with this id awaits on the stream: its POST's answer records this one
                }
                record.answerFollows(() -> {
                    if (awaited.remove(id, call)) {
                        call.notAccepted();
                    }
                });
                call.timer = context.owner().setTimer(MOST_AWAITED_MILLIS, t -> {
                    if (awaited.remove(id, call)) {
                        call.unanswered(McpEvent.NOT_ANSWERED_IN_TIME);
                    }
                });
                if (closed && awaited.remove(id, call)) {
                    call.unanswered(McpEvent.STREAM_ENDED);
                }
            }
        }
    }

    /**
     * A request awaiting its answer on a stream: its record, finished on its own exchange's event loop. Answered or
     * unanswered once, after it was taken off its stream.
     */
    private final class Awaited {

        private final RpcRecord record;
        private final Context context;
        private volatile long timer = -1;

        Awaited(RpcRecord record, Context context) {
            this.record = record;
            this.context = context;
        }

        void answered(McpEnvelope m, byte[] bytes, int offset) {
            awaitedInAll.decrementAndGet();
            context.owner().cancelTimer(timer);
            Integer code = m.errorCode();
            // the server's own words, as the POST's answer would have been recorded; its name when it gave none
            String error = code == null ? null : m.errorMessage() != null ? m.errorMessage() : ErrorTypes.name(code);
            boolean toolError = Boolean.TRUE.equals(m.toolError());
            int size = m.bytes();
            // the stream's bytes are reused once this returns: a payload the logs show is copied, nothing else is
            byte[] shown = record.wantsPayload()
                    ? Arrays.copyOfRange(bytes, offset + m.start(), offset + m.start() + m.length()) : null;
            Observation observation = record.observation();
            context.runOnContext(v -> observation.answeredLater(record, size, code, error, toolError,
                    shown == null ? null : observation.payload(shown, 0, shown.length)));
        }

        /** Its POST was not accepted (202): its exchange's outcome finishes it. */
        void notAccepted() {
            awaitedInAll.decrementAndGet();
            context.owner().cancelTimer(timer);
        }

        void unanswered(String why) {
            awaitedInAll.decrementAndGet();
            context.owner().cancelTimer(timer);
            Observation observation = record.observation();
            context.runOnContext(v -> observation.answeredLater(record, 0, null, why, false, null));
        }
    }
}
