package dev.toolgate.policy.acl;

import dev.toolgate.http.HeaderText;
import dev.toolgate.config.Consumer;
import dev.toolgate.error.GatewayError;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.CallerPolicy;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.Principal;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Kong's {@code acl}: the caller's groups (its consumer's {@code acls}, its consumer groups with
 * {@code include_consumer_groups}, or the groups its authentication asserted) against the allow or
 * deny list. Kong's answers: a refused caller gets 403; a caller nobody identified, or the
 * {@code anonymous} consumer when it has no groups at all for an allow list, gets 401 (asked to
 * authenticate) unless a credential was presented.
 */
final class Acl implements CallerPolicy {

    static final String REFUSED = "You cannot consume this service";
    static final String ANONYMOUS = "Unauthorized";

    private final AclConfig config;

    Acl(AclConfig config) {
        this.config = config;
    }

    @Override
    public Future<Decision> admit(Exchange exchange) {
        Principal caller = exchange.principal();
        List<String> groups = groups(caller);
        GatewayError refusal = refusal(caller, groups);
        if (refusal != null) {
            return Decision.reject(refusal);
        }
        // the upstream hears of this acl's groups only: a listener's call replayed here carries the groups the
        // listener's acl named, which this route's hide_groups_header keeps from its upstream as well
        if (exchange.hasUpstreamHeaders()) {
            exchange.upstreamHeaders().remove("X-Consumer-Groups").remove("X-Authenticated-Groups");
        }
        if (!config.hideGroupsHeader()) {
            // Kong names the groups by where they came from: a token's (authenticated groups) or the consumer's
            boolean asserted = groups == caller.authenticatedGroups();
            exchange.upstreamHeaders().set(asserted ? "X-Authenticated-Groups" : "X-Consumer-Groups",
                    HeaderText.of(String.join(", ", groups)));
        }
        return Decision.PROCEED;
    }

    @Override
    public boolean refuses(Principal caller) {
        return refusal(caller, groups(caller)) != null;
    }

    /** Why the caller with these groups is refused, or null when it may pass. */
    private GatewayError refusal(Principal caller, List<String> groups) {
        if (groups == null) {
            return unidentified(caller);
        }
        boolean allowList = !config.allow().isEmpty();
        if (groups.isEmpty() && allowList && !config.includeConsumerGroups()) {
            // Kong: a consumer without any ACL group (the anonymous one, say) cannot be in an allow list. Not with
            // include_consumer_groups: Kong merges the consumer groups into a list that exists even when empty,
            // so its 401 branch never runs and an anonymous consumer without groups is refused (403) like any other
            return unidentified(caller);
        }
        List<String> list = allowList ? config.allow() : config.deny();
        boolean listed = groups.stream().anyMatch(list::contains);
        return allowList != listed ? new GatewayError.Forbidden(REFUSED, null) : null;
    }

    /** Kong's answer when there are no groups to check: 403 after a credential was presented, else 401. */
    private static GatewayError unidentified(Principal caller) {
        return caller.authenticated() ? new GatewayError.Forbidden(REFUSED, null)
                : new GatewayError.Unauthenticated(ANONYMOUS, null);
    }

    /** The caller's groups, or null when nobody is identified. */
    private List<String> groups(Principal caller) {
        Consumer consumer = caller.consumer();
        boolean asserted = !caller.authenticatedGroups().isEmpty();
        if (asserted && (consumer == null || config.alwaysUseAuthenticatedGroups() || caller.anonymous())) {
            return caller.authenticatedGroups();
        }
        if (consumer == null) {
            return null;
        }
        List<String> groups = new ArrayList<>();
        consumer.acls().forEach(a -> groups.add(a.group()));
        if (config.includeConsumerGroups()) {
            groups.addAll(caller.consumerGroups());
        }
        return groups;
    }
}
