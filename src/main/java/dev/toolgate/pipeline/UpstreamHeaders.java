package dev.toolgate.pipeline;

import dev.toolgate.http.HeaderText;
import io.vertx.core.MultiMap;

import java.util.Set;

/**
 * The headers an exchange's policies set on every upstream request of it, laid over the client's: Kong's consumer
 * headers, an ACL's groups, claim headers, a token exchanged for the upstream. Confined to the exchange's event loop.
 */
final class UpstreamHeaders {

    private MultiMap headers;

    /** The headers set so far, made on first use (a policy sets them there). */
    MultiMap headers() {
        if (headers == null) {
            headers = MultiMap.caseInsensitiveMultiMap();
        }
        return headers;
    }

    /** True when a policy set one. */
    boolean any() {
        return headers != null && !headers.isEmpty();
    }

    /** The same headers, for a replay of the exchange on another route. */
    UpstreamHeaders copy() {
        UpstreamHeaders copy = new UpstreamHeaders();
        if (any()) {
            copy.headers().addAll(headers);
        }
        return copy;
    }

    /**
     * Kong's consumer headers for {@code caller} ({@code X-Consumer-ID}, {@code X-Consumer-Custom-ID},
     * {@code X-Consumer-Username}, {@code X-Credential-Identifier}, {@code X-Anonymous-Consumer}), clearing those
     * that do not apply and the groups an {@code acl} named for an earlier caller.
     */
    void authenticated(Principal caller) {
        MultiMap set = headers();
        var consumer = caller.consumer();
        setOrRemove(set, "X-Consumer-ID", consumer == null ? null : consumer.id());
        setOrRemove(set, "X-Consumer-Custom-ID", consumer == null ? null : consumer.customId());
        setOrRemove(set, "X-Consumer-Username", consumer == null ? null : consumer.username());
        setOrRemove(set, "X-Credential-Identifier", caller.credential() == null ? null : caller.credential().id());
        setOrRemove(set, "X-Anonymous-Consumer", caller.anonymous() ? "true" : null);
        // the groups an acl named were the previous caller's: a listener's call replayed on the route owning
        // the tool, authenticated there anew, must not carry the listener's caller's groups upstream
        set.remove("X-Consumer-Groups");
        set.remove("X-Authenticated-Groups");
    }

    /**
     * Forgets what the authentication told the upstream of the caller: its consumer headers, the values of
     * {@code asserted} claim headers, and a token exchanged for the upstream ({@code Authorization}).
     */
    void forgetCaller(Set<String> asserted) {
        authenticated(Principal.NONE);
        MultiMap set = headers();
        asserted.forEach(set::remove);
        set.remove("Authorization");
    }

    private static void setOrRemove(MultiMap headers, String name, String value) {
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(name, HeaderText.of(value));
        }
    }
}
