package dev.toolgate.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.toolgate.config.Consumer;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.MaskedValues;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Redacted;
import dev.toolgate.config.Route;
import dev.toolgate.mcp.Json;

import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Kong db-less {@code GET /config}: the configuration being served as a declarative document, in the flat form
 * Kong exports ({@code _format_version: "3.0"}, {@code _transform: false}, each kind in its own list and a
 * reference as the id it points to), as YAML text under {@code config}. Every entity is shown as its listing shows
 * it: literal secrets masked, vault values (secret or not) as their references, consumer credentials left out (their
 * ACL groups kept, nested as the file writes them), a plugin's Toolgate extensions only where the file wrote them. An export that masked a secret or left credentials out says so at its
 * top, in {@link MaskedValues#EXPORT_KEY}, which a load refuses (as it refuses each mask): with the masked values
 * and credentials supplied again and that key deleted, the text loads back through {@code POST /config}, and a
 * blind round trip fails rather than sending the mask upstream and locking every consumer out.
 */
final class ConfigExport {

    private static final YAMLMapper YAML = new YAMLMapper();

    private ConfigExport() {
    }

    /** {@code {"config": "<YAML>"}}. */
    static ObjectNode of(DeclarativeConfig config) {
        ObjectNode body = Json.object();
        try {
            body.put("config", YAML.writeValueAsString(document(config)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return body;
    }

    static ObjectNode document(DeclarativeConfig config) {
        ObjectNode entities = entities(config);
        boolean masked = masks(entities);
        boolean credentials = config.consumers().stream().anyMatch(ConfigExport::leavesOut);
        if (!masked && !credentials) {
            return entities;
        }
        ObjectNode document = Json.object();
        document.put(MaskedValues.EXPORT_KEY, (masked ? "secrets are shown as " + Redacted.MASK : "")
                + (masked && credentials ? " and " : "")
                + (credentials ? "consumers' credentials are left out" : "")
                // no "{vault://...}" here: the load would take it for a reference to resolve
                + ": write them back (each secret as itself or its vault reference), then delete this key to load");
        return document.setAll(entities);
    }

    /** True when the document shows a secret as the mask, anywhere ({@link Redacted#masks}). */
    private static boolean masks(JsonNode node) {
        if (node.isTextual()) {
            return Redacted.masks(node.asText());
        }
        for (JsonNode child : node) {
            if (masks(child)) {
                return true;
            }
        }
        return false;
    }

    /** True when the export leaves some of the consumer's credentials out. */
    private static boolean leavesOut(Consumer consumer) {
        return !consumer.keyauthCredentials().isEmpty() || !consumer.jwtSecrets().isEmpty()
                || !consumer.basicauthCredentials().isEmpty();
    }

    private static ObjectNode entities(DeclarativeConfig config) {
        Map<String, String> references = config.referenceBySecret();
        ObjectNode document = Json.object();
        document.put("_format_version", "3.0");
        document.put("_transform", false);
        ArrayNode services = document.putArray("services");
        config.services().forEach(s -> services.add(AdminJson.render(s, references)));
        ArrayNode routes = document.putArray("routes");
        for (Route route : config.routes()) {
            ObjectNode node = AdminJson.render(route, references);
            reference(node, "service", route.serviceId());
            routes.add(node);
        }
        ArrayNode groups = document.putArray("consumer_groups");
        config.consumerGroups().forEach(g -> groups.add(AdminJson.render(g, references)));
        ArrayNode consumers = document.putArray("consumers");
        for (Consumer consumer : config.consumers()) {
            ObjectNode node = AdminJson.render(consumer, references);
            if (!consumer.groupIds().isEmpty()) {
                ArrayNode memberships = node.putArray("groups");
                consumer.groupIds().forEach(id -> memberships.addObject().put("id", id));
            }
            if (!consumer.acls().isEmpty()) {
                // no secrets (Kong shows them), as the file nests them: consumers[].acls: [{id, group, tags}]
                ArrayNode acls = node.putArray("acls");
                consumer.acls().forEach(acl -> acls.add(AdminJson.render(acl, references)));
            }
            consumers.add(node);
        }
        ArrayNode plugins = document.putArray("plugins");
        for (Plugin plugin : config.plugins()) {
            ObjectNode node = AdminJson.plugin(plugin, references);
            reference(node, "route", plugin.routeId());
            reference(node, "service", plugin.serviceId());
            reference(node, "consumer", plugin.consumerId());
            reference(node, "consumer_group", plugin.consumerGroupId());
            plugins.add(node);
        }
        return document;
    }

    /** A reference as Kong exports it, the id alone; none where the entity has none. */
    private static void reference(ObjectNode node, String field, String id) {
        if (id != null) {
            node.put(field, id);
        }
    }
}
