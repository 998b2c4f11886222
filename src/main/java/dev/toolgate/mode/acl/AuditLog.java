package dev.toolgate.mode.acl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.Consumer;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.pipeline.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * {@code logging.log_audits}: every ACL evaluation as an entry in Kong's {@code ai.mcp.audit[]}
 * shape ({@code primitive_name}, {@code primitive}, {@code action}, {@code consumer{id, name,
 * identifier}}, {@code scope}), kept on the exchange for the log plugins and written as one JSON
 * line per request to the {@code dev.toolgate.audit} logger. Tool names are cut at
 * {@value McpEvent#MAX_TEXT} characters, as everywhere in logs.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.toolgate.audit");

    private final String route;

    /** @param route the endpoint's route label, for the log line */
    public AuditLog(String route) {
        this.route = route;
    }

    /** One entry; {@code tool} is null for a decision about the whole endpoint (the default ACL). */
    ObjectNode entry(AclSubject subject, String tool, ToolAcl.Verdict verdict, boolean fromDefault) {
        ObjectNode entry = Json.object();
        if (tool != null) {
            // a client's name, unbounded in passthrough (the default ACL judges names no one listed): cut as logs cut it
            entry.put("primitive_name", McpEvent.bounded(tool));
        }
        entry.put("primitive", "tool");
        entry.put("action", verdict.allowed() ? "allow" : "deny");
        ObjectNode consumer = entry.putObject("consumer");
        Consumer known = subject.consumer();
        if (known != null) {
            consumer.put("id", known.id());
        }
        if (verdict.match() != null) {
            consumer.put("name", verdict.match().entry());
            consumer.put("identifier", verdict.match().type());
        } else {
            consumer.put("name", subject.identifier());
            consumer.put("identifier", subject.identifierType());
        }
        entry.put("scope", fromDefault ? "default" : "primitive");
        return entry;
    }

    /** Keeps the entries on the exchange and writes them as one line. */
    void write(Exchange exchange, AclSubject subject, List<ObjectNode> entries) {
        entries.forEach(exchange::audit);
        if (LOG.isInfoEnabled()) {
            ObjectNode line = Json.object();
            line.put("route", route);
            line.putArray("audit").addAll(entries);
            LOG.info("{}", Json.text(line));
        }
    }
}
