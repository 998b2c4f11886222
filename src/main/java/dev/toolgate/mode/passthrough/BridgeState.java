package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.digest.Digests;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.pipeline.Exchange;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import io.vertx.core.Future;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a bridged request waits between two rounds: the legacy server asked the client something
 * (sampling, elicitation, roots) in the middle of a call, and the modern client answers it by
 * retrying the call with {@code inputResponses} and the {@code requestState} it was given. The state
 * names the upstream session, the call in flight there, the last event the gateway read of its stream
 * (a legacy stream resumes after it) and the server's requests each input answers; it is bound to
 * the caller and the request, and used once.
 *
 * <p>It is kept in the route's session store ({@code server.session.strategy}): sealed into the
 * {@code requestState} itself ({@code client}: any instance with the secrets continues the call,
 * none keeps anything), in Redis ({@code redis}: any instance sharing it), or in this process (no
 * strategy: the retry must reach this instance).
 *
 * @param session     the upstream session id
 * @param version     the protocol version negotiated with the upstream
 * @param call        the upstream id of the call in flight (JSON text)
 * @param lastEventId the last event id read from the call's stream
 * @param pending     input key to the id (JSON text) of the server's request it answers
 * @param caller      the caller it is bound to ({@link #caller})
 * @param request     the request it continues ({@link #fingerprint})
 */
record BridgeState(String session, String version, String call, String lastEventId, Map<String, String> pending,
                   String caller, String request) {

    /** How long a client has to answer the server's requests. */
    static final long TTL_SECONDS = 600;

    BridgeState {
        pending = Map.copyOf(pending);
    }

    /**
     * The most a round's state may take, in bytes of the JSON string a store writes: what a sealed
     * {@code requestState} can carry with room to spare (a sealed id opens up to 8,192 characters).
     */
    static final int MAX_BYTES = 4096;

    /** Whether every store can keep this state whole; a longer one must not be issued (its retry would fail). */
    boolean storable() {
        return Json.text(new com.fasterxml.jackson.databind.node.TextNode(text()))
                .getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    /** Stores the state; completes with the {@code requestState} the client echoes. */
    Future<String> save(SessionStore store, String endpoint, InstantSource clock) {
        // owned by nobody and counted for no client: the caller is checked from "u", and a round lives briefly
        Session draft = new Session(null, endpoint, version, null, null, text(), clock.millis(), null);
        return store.create(draft, TTL_SECONDS, null).map(Session::id);
    }

    private String text() {
        ObjectNode node = Json.object();
        node.put("s", session);
        node.put("v", version);
        node.put("c", call);
        node.put("l", lastEventId);
        node.put("u", caller);
        node.put("r", request);
        ObjectNode inputs = node.putObject("p");
        pending.forEach(inputs::put);
        return Json.text(node);
    }

    /**
     * The state a {@code requestState} names; null when it is unknown, altered, expired or used. It is used up only
     * when {@code owned} says it is the retry's to use: another caller's attempt with a requestState it got hold of
     * must not void the issued caller's retry. One saved before {@code ended} (a reload here removed the route)
     * is unknown too.
     */
    static Future<BridgeState> load(SessionStore store, String endpoint, String requestState,
                                    java.util.function.Predicate<BridgeState> owned,
                                    java.util.function.Predicate<Session> ended) {
        return store.find(requestState, endpoint).compose(found -> {
            if (found == null || found.capabilities() == null || ended.test(found)) {
                return Future.succeededFuture();
            }
            BridgeState state = read(found.capabilities());
            // used once: a replayed requestState finds nothing
            return owned.test(state) ? store.remove(found).map(v -> state) : Future.succeededFuture(state);
        });
    }

    private static BridgeState read(String text) {
        try {
            JsonNode node = Json.parse(text);
            Map<String, String> pending = new LinkedHashMap<>();
            node.path("p").properties().forEach(e -> pending.put(e.getKey(), e.getValue().asText()));
            return new BridgeState(field(node, "s"), field(node, "v"), field(node, "c"), field(node, "l"), pending,
                    field(node, "u"), field(node, "r"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A field as {@link #text} wrote it: null for one written null (a stateless server's session, a stream with no
     * event id), since {@code asText()} would read it back as the string "null" and send it as a session id.
     */
    private static String field(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isTextual() ? value.asText() : null;
    }

    /** Headers that carry an API's key or token by common convention. */
    private static final List<String> KEY_HEADERS = List.of("x-api-key", "api-key", "apikey", "x-auth-token",
            "x-access-token");

    /**
     * Who is calling, as the gateway knows it: the consumer and credential authentication found, and the
     * credential the client sends the server itself.
     */
    private static String caller(Exchange exchange) {
        var principal = exchange.principal();
        return (principal.consumer() == null ? "" : principal.consumer().id()) + "\n"
                + (principal.credential() == null ? "" : principal.credential().id()) + "\n"
                + exchange.header("authorization");
    }

    /**
     * Who holds the era bridge's sessions, each at most its share: the {@link #caller}, and the key a client
     * sends the server in a header named as one ({@code X-API-Key}...). Named headers only: one a client varies
     * at will (its query, cookies, a header of its own naming) would make each request another holder. An
     * {@link #anonymous} caller is its network too ({@link ClientAddresses#network}, trusted proxies heeded): a
     * legacy server keeps state per session (log toggles, subscriptions, roots), which unrelated clients must not
     * share.
     */
    static String holder(Exchange exchange) {
        StringBuilder identity = new StringBuilder(caller(exchange));
        for (String name : KEY_HEADERS) {
            identity.append('\n').append(exchange.request().headers().getAll(name));
        }
        if (anonymous(exchange)) {
            identity.append("\nfrom:").append(exchange.clientNetwork());
        }
        return digest(identity.toString());
    }

    /**
     * True for a caller nothing names: no credential authenticated it (nobody, or a plugin's anonymous consumer),
     * and it sends the server no credential of its own (an {@code Authorization}, cookie, key or token header).
     * Its query does not name it: clients of one published URL send the same.
     */
    static boolean anonymous(Exchange exchange) {
        return !exchange.principal().authenticated() && credentialHeaders(exchange).isEmpty();
    }

    /**
     * The client as the server may know it, which a session and a round's state are bound to: the
     * {@link #holder}, and what else it sends the server that may identify it, which a server may check only
     * when a session opens: its query ({@code ?api_key=}), cookies, and every header named as a key, token,
     * secret or authorization ({@code Private-Token}, {@code Ocp-Apim-Subscription-Key}...), but an
     * {@code Idempotency-Key}, which names a request.
     */
    static String client(Exchange exchange) {
        StringBuilder sent = new StringBuilder(holder(exchange)).append('\n').append(exchange.request().query());
        new TreeMap<>(credentialHeaders(exchange)).forEach((name, value) -> sent.append('\n').append(name)
                .append(':').append(value));
        return digest(sent.toString());
    }

    /**
     * True when the client sends the server something that may identify it (what {@link #client} keys on beyond the
     * holder: a query, cookies, a key or token header): a server checking it may answer each client its own.
     */
    static boolean identifiesItself(Exchange exchange) {
        String query = exchange.request().query();
        return query != null && !query.isEmpty() || !credentialHeaders(exchange).isEmpty();
    }

    private static Map<String, String> credentialHeaders(Exchange exchange) {
        Map<String, String> found = new HashMap<>();
        for (Map.Entry<String, String> header : exchange.request().headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith("mcp-") && !name.equals("idempotency-key") && (name.equals("cookie")
                    || name.contains("auth") || name.contains("key") || name.contains("token")
                    || name.contains("secret"))) {
                found.merge(name, header.getValue(), (a, b) -> a + "," + b);
            }
        }
        return found;
    }

    /** The request a round belongs to: method, name or uri, arguments. */
    static String fingerprint(JsonRpcMessage.Request request) {
        JsonNode params = request.params() == null ? Json.object() : request.params();
        return digest(request.method() + "\n" + params.path("name").asText("") + "\n" + params.path("uri").asText("")
                + "\n" + Json.text(params.path("arguments")));
    }

    /** A short, fixed-length name for {@code text} (144 bits of its SHA-256). */
    static String digest(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(Digests.sha256(text), 18));
    }

}
