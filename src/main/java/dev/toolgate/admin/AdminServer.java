package dev.toolgate.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** The admin listener (loopback by default): the Admin API on one event loop. */
public final class AdminServer {

    private final HttpServer server;

    private AdminServer(HttpServer server) {
        this.server = server;
    }

    public static Future<AdminServer> start(Vertx vertx, String host, int port, AdminView view) {
        AdminApi api = new AdminApi(vertx, view);
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                .requestHandler(api::handle)
                .listen()
                .map(AdminServer::new);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }
}
