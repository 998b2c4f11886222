package dev.toolgate.mode;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.toolgate.config.ConfigNode;

import java.util.List;

/**
 * An ACL rule ({@code default_acl[]} entry or a tool's {@code acl}). A subject matching {@code deny}
 * is refused; when {@code allow} is set, a subject matching none of it is refused.
 *
 * @param scope what the rule applies to; only {@code tools} (the default) in {@code default_acl}; null in a tool's
 *              {@code acl}, which has no scope in Kong's schema (the reader refuses one there, so the Admin API
 *              does not show it)
 * @param allow subjects allowed (consumer names/ids, consumer group names, or claim values)
 * @param deny  subjects refused; deny wins over allow
 */
public record AclRule(@JsonInclude(JsonInclude.Include.NON_NULL) String scope, List<String> allow,
                      List<String> deny) {

    public AclRule {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    static AclRule read(ConfigNode node, boolean withScope) {
        String scope = withScope ? node.oneOf("scope", "tools", List.of("tools")) : null;
        AclRule rule = new AclRule(scope, node.texts("allow"), node.texts("deny"));
        node.finish();
        return rule;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }
}
