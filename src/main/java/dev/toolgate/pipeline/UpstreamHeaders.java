package dev.toolgate.pipeline;

import dev.toolgate.http.HeaderText;
import io.vertx.core.MultiMap;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The headers an exchange's policies set on every upstream request of it, laid over the client's: Kong's consumer
 * headers, an ACL's groups, claim headers, a token exchanged for the upstream, whatever a policy sets there. All of
 * them are what the policies said of the caller, and go when it is forgotten ({@link #forgetCaller}), but the
 * client's own headers a policy passed on with the credential it consumed taken out. Confined to the exchange's
 * event loop.
 */
final class UpstreamHeaders {

    private MultiMap headers;
    /** Lower-case names of the client's own headers passed on less a credential ({@link #passOnLessCredential}). */
    private Set<String> clientsOwn = Set.of();

    /** The headers set so far, made on first use (a policy sets them there). */
    MultiMap headers() {
        if (headers == null) {
            headers = MultiMap.caseInsensitiveMultiMap();
        }
        return headers;
    }

    /** Lower-case names of the client's own headers among {@link #headers}, passed on less a credential. */
    Set<String> clientsOwn() {
        return clientsOwn;
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
        copy.clientsOwn = clientsOwn;
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
     * The client's header {@code name} goes upstream as {@code rest}: what is left of it once the credential a
     * policy consumed from it is taken out (a token among the cookies). The client's own, not a word of the
     * policy's on the caller: it stays when the caller is forgotten, and the credential stays consumed. An empty
     * {@code rest} is no header at all: nothing of it was left to pass on.
     */
    void passOnLessCredential(String name, String rest) {
        if (rest.isEmpty()) {
            headers().remove(name);
            return;
        }
        headers().set(name, rest);
        if (!clientsOwn.contains(name.toLowerCase(Locale.ROOT))) {
            Set<String> more = new HashSet<>(clientsOwn);
            more.add(name.toLowerCase(Locale.ROOT));
            clientsOwn = more;
        }
    }

    /**
     * Forgets every header the policies set, whichever policy set it (consumer and claim headers, a token
     * exchanged for the upstream, one a future plugin sets): what they said described the caller they found. The
     * client's own headers passed on less a credential stay.
     */
    void forgetCaller() {
        if (headers == null) {
            return;
        }
        MultiMap kept = MultiMap.caseInsensitiveMultiMap();
        for (String name : headers.names()) {
            if (clientsOwn.contains(name.toLowerCase(Locale.ROOT))) {
                kept.set(name, headers.getAll(name));
            }
        }
        headers = kept;
    }

    private static void setOrRemove(MultiMap headers, String name, String value) {
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(name, HeaderText.of(value));
        }
    }
}
