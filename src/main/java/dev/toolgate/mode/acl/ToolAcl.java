package dev.toolgate.mode.acl;

import dev.toolgate.mode.AclRule;

import java.util.List;

/**
 * One tool's effective ACL: its own {@code acl}, else its plugin's {@code default_acl} for scope
 * {@code tools}; kept with the tool wherever it is served (a listener serves it with the ACL of the
 * plugin that defines it).
 *
 * @param rule          the rule, or null when none applies (everyone may call the tool)
 * @param fromDefault   the rule is the plugin's {@code default_acl}, not the tool's own
 * @param includeGroups consumer group names count as subjects ({@code include_consumer_groups} of the
 *                      defining plugin, or of the serving one)
 * @param listener      the {@code default_acl} of the listener serving the tool, or null: a caller must pass
 *                      it as well as the tool's own (fail closed, a deny in either denies)
 */
public record ToolAcl(AclRule rule, boolean fromDefault, boolean includeGroups, ToolAcl listener) {

    /** No ACL: everyone may see and call the tool. */
    public static final ToolAcl OPEN = new ToolAcl(null, false, false);

    /** A tool's ACL where it is served by its own plugin. */
    public ToolAcl(AclRule rule, boolean fromDefault, boolean includeGroups) {
        this(rule, fromDefault, includeGroups, null);
    }

    /**
     * A tool's ACL from its own rule and its plugin's default rules (Kong: the tool's rule replaces
     * the default entirely; several default entries for scope {@code tools} are merged).
     */
    public static ToolAcl of(AclRule own, List<AclRule> defaults, boolean includeGroups) {
        if (own != null && !own.isEmpty()) {
            return new ToolAcl(own, false, includeGroups);
        }
        List<AclRule> tools = defaults.stream().filter(r -> "tools".equals(r.scope()) && !r.isEmpty()).toList();
        if (tools.isEmpty()) {
            return OPEN;
        }
        List<String> allow = tools.stream().flatMap(r -> r.allow().stream()).distinct().toList();
        List<String> deny = tools.stream().flatMap(r -> r.deny().stream()).distinct().toList();
        return new ToolAcl(new AclRule("tools", allow, deny), true, includeGroups);
    }

    /** True when no rule applies. */
    public boolean open() {
        return rule == null && (listener == null || listener.open());
    }

    /** This ACL served by a listener whose own default ACL is {@code listener} (kept out when it has none). */
    public ToolAcl servedUnder(ToolAcl listener) {
        return new ToolAcl(rule, fromDefault, includeGroups, listener == null || listener.open() ? null : listener);
    }

    /** This ACL with consumer groups counted also when {@code also} (the serving plugin's setting). */
    public ToolAcl countingGroups(boolean also) {
        return new ToolAcl(rule, fromDefault, includeGroups || also, listener);
    }

    /**
     * The rule that decides for {@code subject}, for audits and challenges: the listener's when it refuses
     * the subject or the tool has no rule of its own, else the tool's.
     */
    public ToolAcl deciding(AclSubject subject) {
        if (listener != null && (rule == null || !listener.evaluate(subject).allowed())) {
            return listener;
        }
        return listener == null ? this : new ToolAcl(rule, fromDefault, includeGroups);
    }

    /**
     * Kong's evaluation: a subject matching {@code deny} is refused; with an {@code allow} list, a
     * subject matching none of it is refused; everyone else is allowed. A caller nobody identified is
     * refused by any rule, a deny-only one included: nothing could show it is not in the deny list
     * (Kong finds no consumer and answers 403).
     */
    public Verdict evaluate(AclSubject subject) {
        if (listener != null) {
            Verdict served = listener.evaluate(subject);
            if (!served.allowed() || rule == null) {
                return served;
            }
        }
        if (rule == null) {
            return Verdict.OPEN;
        }
        if (subject.nobody()) {
            return new Verdict(false, null);
        }
        AclSubject.Match denied = subject.match(rule.deny(), includeGroups);
        if (denied != null) {
            return new Verdict(false, denied);
        }
        if (rule.allow().isEmpty()) {
            return new Verdict(true, null);
        }
        AclSubject.Match allowed = subject.match(rule.allow(), includeGroups);
        return new Verdict(allowed != null, allowed);
    }

    /**
     * What an evaluation found.
     *
     * @param allowed the caller may see and call the tool
     * @param match   the list entry that decided, or null when none matched
     */
    public record Verdict(boolean allowed, AclSubject.Match match) {
        static final Verdict OPEN = new Verdict(true, null);
    }
}
