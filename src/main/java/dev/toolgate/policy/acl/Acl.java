package dev.toolgate.policy.acl;

import dev.toolgate.config.Consumer;
import dev.toolgate.error.GatewayError;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.Principal;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Kong's {@code acl}: the caller's groups (its consumer's {@code acls}, its consumer groups with
 * {@code include_consumer_groups}, or the groups its authentication asserted) against the allow or
 * deny list. Without an identified caller there is nothing to check: 403, as in Kong.
 */
final class Acl implements ExchangePolicy {

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
        if (groups == null) {
            return Decision.reject(new GatewayError.Forbidden(REFUSED, null));
        }
        List<String> list = config.allow().isEmpty() ? config.deny() : config.allow();
        boolean listed = groups.stream().anyMatch(list::contains);
        boolean blocked = config.allow().isEmpty() ? listed : !listed;
        if (blocked) {
            // Kong: the anonymous fallback consumer is asked to authenticate; an identified caller is refused
            return Decision.reject(caller.anonymous() ? new GatewayError.Unauthenticated(ANONYMOUS, null)
                    : new GatewayError.Forbidden(REFUSED, null));
        }
        if (!config.hideGroupsHeader()) {
            exchange.upstreamHeaders().set("X-Consumer-Groups", String.join(", ", groups));
        }
        return Decision.PROCEED;
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
