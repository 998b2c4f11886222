package dev.toolgate.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a declarative document into entities. Order matters only for references: groups before
 * consumers, services (with nested routes and plugins) before top-level routes, everything before
 * top-level plugins. Entity readers live in {@link ServiceReader} and {@link ConsumerReader}.
 */
final class DeclarativeReader {

    static final List<String> FORMAT_VERSIONS = List.of("3.0");
    private static final List<String> PLUGIN_PROTOCOLS = List.of("grpc", "grpcs", "http", "https", "tcp", "tls",
            "tls_passthrough", "udp", "ws", "wss");
    /** What Kong's plugin entity holds when the file sets no {@code protocols}. */
    private static final List<String> DEFAULT_PLUGIN_PROTOCOLS = List.of("grpc", "grpcs", "http", "https");

    private final Map<String, PluginSchema> schemas;
    private final ConfigContext context;
    final Entities entities = new Entities();

    ConfigContext context() {
        return context;
    }

    DeclarativeReader(Map<String, PluginSchema> schemas, ConfigContext context) {
        this.schemas = schemas;
        this.context = context;
    }

    DeclarativeConfig read(ConfigNode root, Map<String, String> referenceBySecret, String hash) {
        String format = root.text("_format_version");
        if (format != null && !FORMAT_VERSIONS.contains(format)) {
            root.problem("_format_version", "must be \"3.0\" (Kong 3.x declarative format), got \"" + format + "\"");
        }
        root.ignore("_transform", "_workspace", "_info", "_konnect", "_comment", MaskedValues.EXPORT_KEY);
        com.fasterxml.jackson.databind.JsonNode info = root.json().path("_info");
        // decK applies its defaults to every entity (HTTPS-only routes, TLS services): unapplied, a file would run
        // with Kong's plain defaults, an HTTPS-only route served over plain HTTP, and nothing would say so
        if (info.has("defaults")) {
            root.problem("_info.defaults", "decK's defaults are not applied by Toolgate: write them into the entities");
        }
        if (info.has("select_tags")) {
            root.warning("_info.select_tags", "decK's select_tags are not added to the entities here: a listener's "
                    + "server.tag binds only tool sets whose plugin carries the tag itself");
        }
        for (String unsupported : List.of("upstreams", "certificates", "ca_certificates", "snis", "vaults",
                "keys", "key_sets", "partials", "filter_chains", "licenses", "workspaces")) {
            if (root.has(unsupported)) {
                root.problem(unsupported, "is not supported by Toolgate");
            }
            root.ignore(unsupported);
        }
        ConsumerReader consumers = new ConsumerReader(this);
        root.objects("consumer_groups").forEach(consumers::readGroup);
        root.objects("consumers").forEach(consumers::readConsumer);
        ServiceReader services = new ServiceReader(this);
        root.objects("services").forEach(services::readService);
        root.objects("routes").forEach(n -> services.readRoute(n, null));
        root.objects("plugins").forEach(n -> readPlugin(n, Scope.fromReferences(n, this)));
        root.finish();

        DeclarativeConfig document = new DeclarativeConfig(format, entities.services, entities.routes,
                entities.plugins, entities.consumers, entities.groups, referenceBySecret, hash);
        for (Plugin plugin : document.plugins()) {
            refuseUnreachable(plugin, document, root.report());
            PluginSchema schema = schemas.get(plugin.name());
            if (schema != null) {
                schema.validate(plugin, document, root.report());
            }
        }
        return document;
    }

    /**
     * Fail closed: a plugin on a route and a service applies to that route's requests through that service
     * only (Kong looks it up by the request's own route and service), so one naming a service the route does
     * not belong to never runs; an authentication plugin written so would leave the route open unseen.
     */
    private static void refuseUnreachable(Plugin plugin, DeclarativeConfig document, ConfigReport report) {
        if (plugin.routeId() == null || plugin.serviceId() == null) {
            return;
        }
        document.route(plugin.routeId()).filter(r -> !plugin.serviceId().equals(r.serviceId())).ifPresent(r ->
                report.problem(plugin.source() + ".service", "route '" + (r.name() != null ? r.name() : r.id()) + "' does not belong to this "
                        + "service, so the plugin would never run: scope it to the route alone, or to the route's "
                        + "own service"));
    }

    /** Reads one plugin at a scope; nested plugins get their scope from where they are. */
    void readPlugin(ConfigNode node, Scope scope) {
        String name = node.text("name");
        String instanceName = node.text("instance_name", null);
        boolean enabled = node.bool("enabled", true);
        List<String> tags = node.texts("tags");
        List<String> protocols = readProtocols(node);
        node.ignore("created_at", "updated_at");
        for (String reference : Scope.REFERENCE_KEYS) {
            if (scope.nested() && node.has(reference)) {
                node.problem(reference, "a nested plugin takes its scope from where it is written; remove '" + reference + "'");
            }
            node.ignore(reference);
        }
        for (String unsupported : List.of("ordering", "partials")) {
            if (node.has(unsupported)) {
                node.problem(unsupported, "is not supported by Toolgate");
            }
            node.ignore(unsupported);
        }
        String naturalKey = name + "@" + scope + "#" + (instanceName == null ? "" : instanceName);
        String id = EntityIds.read(node, "plugin", naturalKey);
        // Kong refuses a second entity under one primary key; here one route would serve another's tools (ids made
        // from a plugin's name and scope repeat only for a plugin configured twice, which is refused below)
        if (node.has("id")) {
            entities.pluginIds.add(node, "name", null, id);
        }
        PluginSchema schema = name == null ? null : schemas.get(name);
        PluginSettings settings = null;
        if (name == null) {
            node.ignore("config");
        }
        if (name != null && schema == null) {
            node.problem("name", "unknown plugin '" + name + "' (Toolgate implements: "
                    + String.join(", ", schemas.keySet().stream().sorted().toList()) + ")");
            node.ignore("config");
        } else if (schema != null) {
            ConfigNode config = node.object("config").orElseGet(() ->
                    ConfigNode.at(JsonNodeFactory.instance.objectNode(), node.path("config"), node.report()));
            settings = schema.read(config, context);
            config.finish();
        }
        node.finish();
        // fail closed: of two instances on one scope only one could apply, the other would be ignored unseen
        boolean several = schema != null && schema.severalPerScope(settings);
        if (name != null && !entities.pluginScopes.add(several ? naturalKey : name + "@" + scope)) {
            node.problem("name", "plugin '" + name + "' is configured twice on " + scope.describe() + (several
                    ? " (set instance_name to tell them apart)"
                    : " (one instance per entity, as in Kong, whatever instance_name says: merge them into one)"));
        }
        entities.plugins.add(new Plugin(id, name, enabled, tags, protocols, instanceName, settings, scope.routeId(),
                scope.serviceId(), scope.consumerId(), scope.consumerGroupId(), node.path()));
    }

    /**
     * A plugin's {@code protocols}: Kong runs it only on requests of those protocols. Toolgate serves HTTP
     * alone and runs every plugin on all of it, so a list naming neither http nor https, a plugin Kong would
     * never run on these requests, is refused rather than run everywhere.
     */
    private static List<String> readProtocols(ConfigNode node) {
        if (!node.has("protocols")) {
            return DEFAULT_PLUGIN_PROTOCOLS;
        }
        return Protocols.read(node, PLUGIN_PROTOCOLS, "Kong would never run this plugin on the HTTP requests Toolgate "
                + "serves, and Toolgate runs every plugin on all of them; add http and https");
    }

    /** Every entity read so far, with the indexes references are resolved against. */
    static final class Entities {
        final List<Service> services = new ArrayList<>();
        final List<Route> routes = new ArrayList<>();
        final List<Plugin> plugins = new ArrayList<>();
        final List<Consumer> consumers = new ArrayList<>();
        final List<ConsumerGroup> groups = new ArrayList<>();
        final Names serviceNames = new Names("service");
        final Names routeNames = new Names("route");
        final Names consumerNames = new Names("consumer");
        final Names consumerCustomIds = new Names("consumer custom_id");
        final Names groupNames = new Names("consumer group");
        /** Plugin ids only: tool sets, the Admin API and kept plugin state are found by a plugin's id. */
        final Names pluginIds = new Names("plugin");
        final java.util.Set<String> pluginScopes = new java.util.HashSet<>();
        final UniqueCredentials keyAuthKeys = new UniqueCredentials("key-auth key");
        final UniqueCredentials jwtKeys = new UniqueCredentials("jwt_secret key");
    }

    /** Name and id index of one entity kind, reporting duplicates where they occur. */
    static final class Names {
        private final String kind;
        private final Map<String, String> idByName = new HashMap<>();
        private final Map<String, String> sourceByName = new HashMap<>();
        private final Map<String, String> sourceById = new HashMap<>();

        Names(String kind) {
            this.kind = kind;
        }

        void add(ConfigNode node, String nameKey, String name, String id) {
            boolean nameTaken = false;
            if (name != null) {
                String earlier = sourceByName.putIfAbsent(name, node.path());
                nameTaken = earlier != null;
                if (nameTaken) {
                    node.problem(nameKey, kind + " name '" + name + "' is already used by " + earlier);
                } else {
                    idByName.put(name, id);
                }
            }
            String earlierId = sourceById.putIfAbsent(id, node.path());
            if (earlierId != null && !nameTaken) {
                node.problem("id", kind + " id '" + id + "' is already used by " + earlierId);
            }
        }

        /** The id a reference (a name or an id) points to, or null. */
        String resolve(String reference) {
            if (reference == null) {
                return null;
            }
            String byName = idByName.get(reference);
            if (byName != null) {
                return byName;
            }
            return sourceById.containsKey(reference.toLowerCase(java.util.Locale.ROOT))
                    ? reference.toLowerCase(java.util.Locale.ROOT) : null;
        }

        String kind() {
            return kind;
        }
    }
}
