package dev.toolgate.pipeline;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the authentication policies read of the caller's credentials: the headers, query arguments and body
 * fields that never go upstream (MCP forbids token passthrough), the headers the gateway decides for the
 * upstream, and the token that authenticated the request (what a per-token rate limit counts).
 *
 * <p>Part of its {@link Exchange}: confined to the request's event loop, not thread-safe.
 */
public final class ConsumedCredentials {

    private Set<String> headers = Set.of();
    private Set<String> asserted = Set.of();
    private Set<String> query = Set.of();
    private Set<String> bodyFields = Set.of();
    private WithheldCookies withheldCookies = WithheldCookies.NONE;
    /** The token that authenticated the request, and the lower-case names of the headers it came in. */
    private String presentedToken;
    private Set<String> presentedIn = Set.of();

    ConsumedCredentials() {
    }

    /** The same, for a replay of the request on another route: later additions to either stay apart. */
    ConsumedCredentials copy() {
        ConsumedCredentials copy = new ConsumedCredentials();
        copy.headers = copied(headers);
        copy.asserted = copied(asserted);
        copy.query = copied(query);
        copy.bodyFields = copied(bodyFields);
        copy.withheldCookies = withheldCookies;
        copy.presentedToken = presentedToken;
        copy.presentedIn = copied(presentedIn);
        return copy;
    }

    /** A credential header the gateway read: it never goes upstream. */
    public void consumeHeader(String name) {
        headers = added(headers, name.toLowerCase(Locale.ROOT));
    }

    /** A credential query argument the gateway read: removed from the query sent upstream. */
    public void consumeQuery(String name) {
        query = added(query, name);
    }

    /**
     * Cookies a policy reads a credential from: none of their names goes upstream, from the client's {@code Cookie}
     * or from a tool's arguments, whether or not the client sent one.
     */
    void withholdCookies(WithheldCookies withheld) {
        withheldCookies = withheldCookies.and(withheld);
    }

    /** A credential field of the body the gateway read: removed from the body sent upstream. */
    public void consumeBodyField(String name) {
        bodyFields = added(bodyFields, name);
    }

    /**
     * A header the gateway decides for the upstream, whether it sets it or leaves it out (a claim header: from the
     * token, or absent when the token lacks the claim): neither the client's header of that name nor a tool
     * argument naming it goes upstream.
     */
    public void assertHeader(String name) {
        consumeHeader(name);
        asserted = added(asserted, name.toLowerCase(Locale.ROOT));
    }

    /**
     * Records the token that authenticated the request as the plugin read it out of header {@code name}
     * ({@code Bearer <token>}): what counts the client's token must count, whatever spelling of the scheme
     * and spaces it came in, and not a token the gateway put in its place.
     */
    public void presentedToken(String name, String token) {
        if (!token.equals(presentedToken)) {
            presentedToken = token;
            presentedIn = Set.of();
        }
        presentedIn = added(presentedIn, name.toLowerCase(Locale.ROOT));
    }

    /** The token that authenticated the request when it came in header {@code name}, else null. */
    public String presentedToken(String name) {
        return presentedIn.contains(name.toLowerCase(Locale.ROOT)) ? presentedToken : null;
    }

    /** Lower-case names of the headers the gateway decides ({@link #assertHeader}). */
    public Set<String> assertedHeaders() {
        return asserted;
    }

    /** Lower-case names of the consumed credential headers. */
    public Set<String> headers() {
        return headers;
    }

    /** Names of the consumed query arguments (case-sensitive, as query arguments are). */
    public Set<String> query() {
        return query;
    }

    /** The cookies no upstream gets ({@link #withholdCookies}). */
    public WithheldCookies withheldCookies() {
        return withheldCookies;
    }

    /** Names of the consumed body fields. */
    public Set<String> bodyFields() {
        return bodyFields;
    }

    private static Set<String> copied(Set<String> set) {
        return set.isEmpty() ? Set.of() : new HashSet<>(set);
    }

    private static Set<String> added(Set<String> set, String name) {
        Set<String> next = set.isEmpty() ? new HashSet<>(2) : set;
        next.add(name);
        return next;
    }
}
