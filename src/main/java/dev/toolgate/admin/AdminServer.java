package dev.toolgate.admin;

import dev.toolgate.http.ConnectionGuard;
import dev.toolgate.http.ListenerTransport;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.http.ListenerStart;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin listener (loopback by default): the Admin API on one event loop, the gateway's side loop, which
 * the proxy does not use: a live page, a large answer or a scrape holds up no proxied call.
 * Also the status listener
 * (Kong's {@code status_listen}): the read-only {@code /status} endpoints and {@code /metrics} alone, for probes
 * and scrapers on the pod network.
 */
public final class AdminServer {

    /**
     * A {@code POST /config} must arrive whole within this many body timeouts (two minutes by default): each
     * chunk re-arms the body timeout, so an upload dripping a byte at a time would otherwise hold the one turn
     * to load a configuration for as long as it liked.
     */
    static final int UPLOAD_BODY_TIMEOUTS = 4;

    private final HttpServer server;

    private AdminServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param loop      the event loop the listener runs on: its requests, and what they start there, run on it
     * @param limits    the listener's connection bounds
     * @param hostNames Host names answered besides IP addresses and {@code localhost} (DNS-rebinding protection)
     */
    public static Future<AdminServer> start(Context loop, String host, int port, AdminView view, ListenerLimits limits,
                                            List<String> hostNames) {
        return start(loop, host, port, view, limits, hostNames, false);
    }

    /** The status listener: {@code GET /status}, {@code /status/ready} and {@code /metrics}; 404 for anything else. */
    public static Future<AdminServer> startStatus(Context loop, String host, int port, AdminView view,
                                                  ListenerLimits limits, List<String> hostNames) {
        return start(loop, host, port, view, limits, hostNames, true);
    }

    private static Future<AdminServer> start(Context loop, String host, int port, AdminView view, ListenerLimits limits,
                                             List<String> hostNames, boolean statusOnly) {
        return ListenerStart.on(loop, () -> listen(loop.owner(), host, port, view, limits, hostNames, statusOnly));
    }

    private static Future<AdminServer> listen(Vertx vertx, String host, int port, AdminView view,
                                              ListenerLimits limits, List<String> hostNames, boolean statusOnly) {
        AdminApi api = new AdminApi(vertx, view, new AdminHosts(hostNames),
                UPLOAD_BODY_TIMEOUTS * limits.bodyTimeoutMs(), statusOnly);
        AtomicInteger open = new AtomicInteger();
        // a POST /config form field holds a whole document (Vert.x's default: 8 KiB). ConfigUpload bounds the
        // form's body, and stops reading, and so decoding, past it; a bound here as well would be met first
        // (the decoder sees each chunk before ConfigUpload does) and answer with the decoder's exception
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setMaxFormAttributeSize(-1);
        return vertx.createHttpServer(ConnectionGuard.options(options, limits))
                .requestHandler(api::handle)
                .invalidRequestHandler(ConnectionGuard::invalidRequest)
                .connectionHandler(connection -> ConnectionGuard.attach(connection, limits, open))
                .listen()
                .onSuccess(server -> ListenerTransport.guard(vertx, server.actualPort(), limits, open))
                .map(AdminServer::new);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }
}
