package dev.toolgate.gateway;

import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Route;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.Published;
import dev.toolgate.http.PublishedByHost;
import dev.toolgate.http.RouteHandler;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.http.RouteTable;
import dev.toolgate.http.Router;
import dev.toolgate.mode.LoggingSettings;
import dev.toolgate.mode.RouteRuntime;
import dev.toolgate.mode.conversion.ToolSet;
import io.vertx.core.http.HttpServerRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One loaded configuration, ready to serve: the document, the compiled router, each route's handler
 * and each MCP endpoint's tools. Immutable; a reload builds a new one and swaps it in whole.
 *
 * @param config   the document
 * @param router   compiled route matching
 * @param handlers handler by route id (routes without one are not served)
 * @param toolSets tools by MCP endpoint (route id)
 * @param listVersions by MCP endpoint, the version of what its tool lists may show a caller ({@link ListVersions})
 * @param runtimes what each route served (route id) runs with: a reload that changes it ends the streams opened before
 * @param logging  what each MCP endpoint (route id) logs: a listener's own switches and those its tool sets turn on
 * @param published documents the gateway publishes itself, by path (OAuth metadata), answered before routing
 * @param warnings warnings found while loading
 * @param loadedAt when it was built
 */
public record Snapshot(DeclarativeConfig config, Router router, Map<String, RouteHandler> handlers,
                       Map<String, ToolSet> toolSets, Map<String, String> listVersions, Map<String, RouteRuntime> runtimes,
                       Map<String, LoggingSettings> logging,
                       Map<String, Published> published, List<ConfigProblem> warnings, Instant loadedAt)
        implements RouteTable {

    public Snapshot {
        handlers = Map.copyOf(handlers);
        toolSets = Map.copyOf(toolSets);
        listVersions = Map.copyOf(listVersions);
        runtimes = Map.copyOf(runtimes);
        logging = Map.copyOf(logging);
        published = Map.copyOf(published);
        warnings = List.copyOf(warnings);
    }

    @Override
    public Optional<RouteMatch> match(HttpServerRequest request) {
        return router.match(request.method().name(), ForwardedHeaders.authority(request), Router.normalize(request.path()),
                request.headers()::getAll);
    }

    @Override
    public RouteHandler handler(Route route) {
        RouteHandler handler = handlers.get(route.id());
        return handler != null ? handler : (request, match) ->
                ErrorResponses.plain(request.response(), new GatewayError.NotServed(route.label()));
    }

    @Override
    public Published published(HttpServerRequest request) {
        Published document = published.isEmpty() ? null : published.get(Router.normalize(request.path()));
        return document instanceof PublishedByHost byHost ? byHost.choose(request) : document;
    }

    /** How many tools all endpoints serve together. */
    public int toolCount() {
        return toolSets.values().stream().mapToInt(ToolSet::size).sum();
    }
}
