package dev.toolgate.policy.keyauth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Consumer;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.pipeline.Consumers;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.LocalAuthentication;
import dev.toolgate.pipeline.NamedCredentials;
import dev.toolgate.pipeline.Principal;
import dev.toolgate.policy.Realm;
import io.vertx.core.Future;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Kong's {@code key-auth}: finds the key (headers, then query, then body, name by name), maps it to
 * a consumer and records the caller; answers 401 with Kong's words otherwise, or falls back to the
 * {@code anonymous} consumer. No configured key name the gateway looked at is sent upstream, whichever
 * one held the key, nor when key-auth lets the request pass unread (a preflight with
 * {@code run_on_preflight: false}, a caller another plugin authenticated). Local: whom a request's key
 * names is known without running it ({@link #identify}).
 */
final class KeyAuth implements LocalAuthentication, NamedCredentials {

    static final String NO_KEY = "No API key found in request";
    static final String DUPLICATE = "Duplicate API key found";
    static final String INVALID = "Unauthorized";

    private final KeyAuthConfig config;
    private final Consumers consumers;
    private final Consumer anonymous;
    private final String challenge;

    /** @param anonymous the {@code anonymous} consumer, resolved at load, or null */
    KeyAuth(KeyAuthConfig config, Consumers consumers, Consumer anonymous) {
        this.config = config;
        this.consumers = consumers;
        this.anonymous = anonymous;
        this.challenge = Realm.challenge("Key", config.realm());
    }

    @Override
    public Future<Decision> admit(Exchange exchange) {
        Future<Decision> skipped = skipped(exchange);
        if (skipped != null) {
            return skipped;
        }
        return bodyFields(exchange).map(body -> decide(exchange, body));
    }

    @Override
    public boolean skips(Exchange exchange, Principal before) {
        return NamedCredentials.skips(exchange, before, config.runOnPreflight(), anonymous != null);
    }

    @Override
    public Future<Void> withhold(Exchange exchange) {
        return bodyFields(exchange).map(body -> {
            consumeEveryName(exchange, body);
            return null;
        });
    }

    /**
     * The body's top-level fields with {@code key_in_body}, else null (the body is not waited for).
     * Read even when a header holds the key: another name in the body must be removed too.
     */
    private Future<JsonNode> bodyFields(Exchange exchange) {
        if (!config.keyInBody()) {
            return Future.succeededFuture();
        }
        return exchange.body().map(body -> BodyFields.of(exchange, body));
    }

    private Decision decide(Exchange exchange, JsonNode body) {
        consumeEveryName(exchange, body);
        for (String name : config.keyNames()) {
            List<String> found = find(exchange, name, body);
            if (found.size() > 1) {
                return failed(exchange, DUPLICATE);
            }
            if (found.size() == 1) {
                return authenticate(exchange, found.getFirst());
            }
        }
        return failed(exchange, NO_KEY);
    }

    /**
     * Whom {@link #admit} would record, read from the request's headers and query: undecided (null) only when
     * it would refuse, or when no key is found before the body, which {@code key_in_body} would read next.
     */
    @Override
    public Principal identify(Exchange exchange) {
        for (String name : config.keyNames()) {
            List<String> found = find(exchange, name, null);
            if (found.size() == 1 && !found.getFirst().isEmpty()) {
                return consumers.byKey(found.getFirst()).map(this::identified).orElseGet(this::fallback);
            }
            if (!found.isEmpty()) {
                return fallback();
            }
            if (config.keyInBody()) {
                return null;
            }
        }
        return fallback();
    }

    /** The anonymous consumer where a request without a valid key falls back to it; null where it is refused. */
    private Principal fallback() {
        return anonymous == null ? null : consumers.principal(anonymous, null);
    }

    private Principal identified(Consumers.KeyCredential credential) {
        return consumers.principal(credential.consumer(), new Principal.Credential(credential.credentialId(), "key-auth"));
    }

    /**
     * Marks every configured name, in every place key-auth looks, as consumed, before any is read: only
     * one authenticates, and another (a second consumer's key under {@code tenant} beside
     * {@code apikey}) must not reach the upstream, nor a log, whether the request is admitted or refused.
     */
    private void consumeEveryName(Exchange exchange, JsonNode body) {
        String query = exchange.request().query();
        for (String name : config.keyNames()) {
            for (String header : headerNames(name)) {
                if (config.keyInHeader() && exchange.request().headers().contains(header)) {
                    exchange.credentials().consumeHeader(header);
                }
            }
            if (config.keyInQuery() && !UpstreamQuery.values(query, name).isEmpty()) {
                exchange.credentials().consumeQuery(name);
            }
            if (body != null && body.has(name)) {
                exchange.credentials().consumeBodyField(name);
            }
        }
    }

    /** The values under {@code name} in the first place that has any. */
    private List<String> find(Exchange exchange, String name, JsonNode body) {
        if (config.keyInHeader()) {
            for (String header : headerNames(name)) {
                List<String> values = exchange.request().headers().getAll(header);
                if (!values.isEmpty()) {
                    return values.stream().map(KeyAuth::headerText).toList();
                }
            }
        }
        if (config.keyInQuery()) {
            // read as the upstream query is cut (UpstreamQuery), not with the framework's case-insensitive,
            // ;-splitting parameter map: a key it alone understood would authenticate and still go upstream
            List<String> values = UpstreamQuery.values(exchange.request().query(), name);
            if (!values.isEmpty()) {
                return values;
            }
        }
        if (body != null && body.has(name)) {
            JsonNode value = body.get(name);
            return value.isTextual() ? List.of(value.asText()) : value.isArray() ? List.of("", "") : List.of("");
        }
        return List.of();
    }

    /**
     * A header value as the key its bytes spell: the server reads header bytes one character each
     * (ISO-8859-1), while keys on file, the query and the body are UTF-8. Kong compares bytes, so a
     * key with {@code é} works in any place; bytes that are no UTF-8 stay as read (and match no key).
     */
    private static String headerText(String value) {
        if (ascii(value)) {
            return value;
        }
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }

    private static boolean ascii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private Decision authenticate(Exchange exchange, String key) {
        if (key.isEmpty()) {
            return failed(exchange, NO_KEY);
        }
        return consumers.byKey(key).<Decision>map(credential -> {
            exchange.authenticate(identified(credential));
            return Decision.CONTINUE;
        }).orElseGet(() -> failed(exchange, INVALID));
    }

    private Decision failed(Exchange exchange, String message) {
        if (anonymous != null) {
            exchange.authenticate(consumers.principal(anonymous, null));
            return Decision.CONTINUE;
        }
        return new Decision.Reject(new GatewayError.Unauthenticated(message, challenge));
    }

    /**
     * The headers a key name finds, as Kong's request headers answer: the name, then, for a name with
     * {@code _}, the same with {@code -} ({@code api_key} finds {@code api-key}; nginx in front of Kong
     * drops headers spelled with underscores, so that is the one clients send).
     */
    private static List<String> headerNames(String name) {
        return name.indexOf('_') < 0 ? List.of(name) : List.of(name, name.replace('_', '-'));
    }

    /** The key names, and the dashed headers they find too: all are withheld and masked in logs. */
    @Override
    public List<String> credentialNames() {
        return config.keyNames().stream().flatMap(name -> headerNames(name).stream()).distinct().toList();
    }
}
