package dev.toolgate.gateway;

import dev.toolgate.admin.AdminServer;
import dev.toolgate.http.ProxyServer;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * The gateway's listeners: the proxy, the Admin API and, when asked for, the read-only status one.
 * Apart from {@link Gateway} because binding them is its own step of a start, one that must say which
 * listener could not have its address. Each is kept as soon as it is bound, so a start that fails on
 * a later one still closes the earlier ones.
 */
final class Listeners {

    /** Logged under the gateway's name, as the rest of the start is. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private ProxyServer proxy;
    private AdminServer admin;
    private AdminServer status;

    /**
     * Binds the proxy on its loops, then the admin and the status listener on the side loop, and logs where each
     * listens.
     */
    void bind(EventLoops loops, Gateway.Options options, SnapshotSwitch snapshots, GatewayView view)
            throws IOException {
        proxy = bound("proxy", options.proxyHost(), options.proxyPort(), ProxyServer.start(loops.vertx(),
                options.proxyHost(), options.proxyPort(), loops.proxy(), snapshots::current,
                options.limits().proxy()));
        admin = bound("admin", options.adminHost(), options.adminPort(), AdminServer.start(loops.side(),
                options.adminHost(), options.adminPort(), view, options.limits().admin(),
                options.limits().adminHostNames()));
        if (options.statusHost() != null) {
            status = bound("status", options.statusHost(), options.statusPort(),
                    AdminServer.startStatus(loops.side(), options.statusHost(), options.statusPort(), view,
                            options.limits().admin(), options.limits().adminHostNames()));
        }
        LOG.info("proxy listening on {}:{}", options.proxyHost(), proxy.port());
        LOG.info("admin listening on {}:{}", options.adminHost(), admin.port());
        if (status != null) {
            LOG.info("status listening on {}:{}", options.statusHost(), status.port());
        }
    }

    /**
     * The listener once bound; else a failure that names it and its address: the socket's own words
     * ("Address already in use") do not say which of the listeners could not have its port.
     */
    private static <T> T bound(String listener, String host, int port, Future<T> listening) throws IOException {
        try {
            return listening.await();
        } catch (Exception e) {
            String address = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new IOException("the " + listener + " listener could not listen on " + address + ": " + reason, e);
        }
    }

    int proxyPort() {
        return proxy.port();
    }

    int adminPort() {
        return admin.port();
    }

    /** The status listener's port; -1 without one. */
    int statusPort() {
        return status == null ? -1 : status.port();
    }

    /** Refuses new proxy connections and gives those in flight {@code grace}; done at once when none was bound. */
    Future<Void> shutdownProxy(Duration grace) {
        return proxy == null ? Future.succeededFuture() : proxy.shutdown(grace);
    }
}
