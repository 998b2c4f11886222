package dev.toolgate.mode.acl;

import dev.toolgate.error.GatewayError;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpCall;
import dev.toolgate.pipeline.MessagePolicy;
import io.vertx.core.Future;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * ai-mcp-proxy's tool ACLs on one endpoint, for every mode: a {@code tools/call} of a tool the
 * caller may not use is refused (403, or {@code -32602 Unknown tool} with the {@code acl_denial}
 * extension) before anything reaches the upstream; {@link #visible} says which tools the caller's
 * {@code tools/list} shows; a caller whom the default ACL denies and who may use no tool at all is
 * refused every request (Kong's 403 at connect). What each distinct subject may see is computed once
 * and kept.
 */
public final class ToolAccess implements MessagePolicy {

    static final String REFUSED = "You cannot consume this service";
    private static final int MAX_SUBJECTS = 1024;

    /** What one subject may see: which tools, and whether it is refused outright. */
    record Visibility(BitSet visible, boolean refused) {
    }

    private final List<String> names;
    private final Map<String, Integer> positions = new HashMap<>();
    private final List<ToolAcl> acls;
    private final ToolAcl unlisted;
    private final ToolAcl defaults;
    private final SubjectRules rules;
    private final AuditLog audit;
    private final boolean answerAsUnknown;
    private final Map<String, Visibility> bySubject = new ConcurrentHashMap<>();

    /**
     * @param names           the tools the endpoint knows, in list order
     * @param acls            each tool's ACL, in the same order
     * @param unlisted        the ACL of a tool name not in {@code names} (passthrough: the default ACL),
     *                        or null when such names are refused like a denied tool (conversion modes,
     *                        where they do not exist: names cannot be probed)
     * @param defaults        the plugin's default ACL ({@link ToolAcl#OPEN} when it has none)
     * @param audit           where audit entries go ({@code logging.log_audits}), or null
     * @param answerAsUnknown answer a denial as {@code -32602 Unknown tool} (Toolgate's {@code acl_denial} extension)
     */
    public ToolAccess(List<String> names, List<ToolAcl> acls, ToolAcl unlisted, ToolAcl defaults, SubjectRules rules,
                      AuditLog audit, boolean answerAsUnknown) {
        this.names = List.copyOf(names);
        this.acls = List.copyOf(acls);
        for (int i = 0; i < this.names.size(); i++) {
            positions.put(this.names.get(i), i);
        }
        this.unlisted = unlisted;
        this.defaults = defaults;
        this.rules = rules;
        this.audit = audit;
        this.answerAsUnknown = answerAsUnknown;
    }

    /** True when some ACL restricts some tool: without any, the endpoint needs no access checks. */
    public boolean restricts() {
        return !defaults.open() || acls.stream().anyMatch(a -> !a.open()) || unlisted != null && !unlisted.open();
    }

    @Override
    public Future<Decision> admit(McpCall call) {
        Future<Decision> unnamed = call.unnamed();
        if (unnamed != null) {
            return unnamed;
        }
        AclSubject subject = AclSubject.of(call.exchange().principal(), rules);
        if (call.isToolCall()) {
            return Future.succeededFuture(decideCall(call, subject));
        }
        if (visibility(subject).refused()) {
            auditRefusal(call.exchange(), subject);
            return Decision.reject(refusal(call.id()));
        }
        if (audit != null && "tools/list".equals(call.method())) {
            auditList(call.exchange(), subject);
        }
        return Decision.PROCEED;
    }

    /**
     * Whether the exchange's caller is refused every request (Kong's 403 at connect): then nothing it sends,
     * a notification or a stream it opens included, reaches the upstream. A refusal is audited as a refused
     * request's is: the default ACL judged the caller all the same, and a log of refusals that leaves out
     * streams would show a refused caller as one that never came.
     */
    public boolean refusesOutright(Exchange exchange) {
        AclSubject subject = AclSubject.of(exchange.principal(), rules);
        if (!visibility(subject).refused()) {
            return false;
        }
        auditRefusal(exchange, subject);
        return true;
    }

    /** A caller's refusal ({@link #refusesOutright}) where no request was read: no id to answer with. */
    public static GatewayError refusal() {
        return refusal(null);
    }

    /** A caller's refusal ({@link #refusesOutright}), answering the request of id {@code id}. */
    public static GatewayError refusal(com.fasterxml.jackson.databind.JsonNode id) {
        return new GatewayError.Forbidden(REFUSED, null, id);
    }

    /** The positions of the tools the exchange's caller may see. */
    public BitSet visible(Exchange exchange) {
        return visibility(AclSubject.of(exchange.principal(), rules)).visible();
    }

    /** Whether the exchange's caller may see a tool, by name (for filtering an upstream's tool list). */
    public Predicate<String> shows(Exchange exchange) {
        AclSubject subject = AclSubject.of(exchange.principal(), rules);
        BitSet visible = visibility(subject).visible();
        boolean others = unlisted != null && unlisted.evaluate(subject).allowed();
        return name -> {
            Integer position = positions.get(name);
            return position != null ? visible.get(position) : others;
        };
    }

    /**
     * What a {@code tools/call} gets when it names a tool this endpoint does not list: for a tool the endpoint
     * hides from the caller by other means, so that it answers exactly as a name that does not exist.
     */
    public Decision asUnlisted(McpCall call) {
        return decideCall(call, AclSubject.of(call.exchange().principal(), rules), unlisted);
    }

    private Decision decideCall(McpCall call, AclSubject subject) {
        return decideCall(call, subject, aclOf(call.tool()));
    }

    private Decision decideCall(McpCall call, AclSubject subject, ToolAcl acl) {
        ToolAcl.Verdict verdict = acl == null ? new ToolAcl.Verdict(false, null) : acl.evaluate(subject);
        if (audit != null && acl != null) {
            audit.write(call.exchange(), subject, List.of(audit.entry(subject, call.tool(), verdict,
                    acl.deciding(subject).fromDefault())));
        }
        if (verdict.allowed()) {
            return Decision.CONTINUE;
        }
        // echoed as sent, as a made-up name is: the served name would tell a Kong name (an alias) exists
        return new Decision.Reject(answerAsUnknown ? new GatewayError.UnknownTool(call.id(), call.named())
                : new GatewayError.ToolDenied(call.id(), call.named(),
                        call.exchange().insufficientScope(neededScope(acl == null ? null : acl.deciding(subject)))));
    }

    /**
     * The scopes that would open the tool, for the challenge, when its ACL is on the token's scopes (each a
     * scope-token: {@code AiMcpProxySchema} refuses the file otherwise).
     */
    private String neededScope(ToolAcl acl) {
        if (acl == null || acl.open() || !rules.byScope() || acl.rule().allow().isEmpty()) {
            return null;
        }
        return String.join(" ", acl.rule().allow());
    }

    private ToolAcl aclOf(String tool) {
        Integer position = positions.get(tool);
        return position != null ? acls.get(position) : unlisted;
    }

    private Visibility visibility(AclSubject subject) {
        String key = subject.key();
        Visibility known = bySubject.get(key);
        if (known != null) {
            return known;
        }
        if (bySubject.size() >= MAX_SUBJECTS) {
            bySubject.clear();
        }
        BitSet visible = new BitSet(names.size());
        for (int i = 0; i < names.size(); i++) {
            if (acls.get(i).evaluate(subject).allowed()) {
                visible.set(i);
            }
        }
        boolean refused = !defaults.evaluate(subject).allowed() && visible.isEmpty();
        Visibility computed = new Visibility(visible, refused);
        bySubject.put(key, computed);
        return computed;
    }

    /** The default ACL's refusal of the whole endpoint: one entry with no tool, scope {@code default}. */
    private void auditRefusal(Exchange exchange, AclSubject subject) {
        if (audit != null) {
            audit.write(exchange, subject, List.of(audit.entry(subject, null, defaults.evaluate(subject), true)));
        }
    }

    private void auditList(Exchange exchange, AclSubject subject) {
        var entries = new java.util.ArrayList<com.fasterxml.jackson.databind.node.ObjectNode>(names.size());
        for (int i = 0; i < names.size(); i++) {
            if (!acls.get(i).open()) {
                ToolAcl acl = acls.get(i);
                entries.add(audit.entry(subject, names.get(i), acl.evaluate(subject), acl.deciding(subject).fromDefault()));
            }
        }
        if (!entries.isEmpty()) {
            audit.write(exchange, subject, entries);
        }
    }
}
