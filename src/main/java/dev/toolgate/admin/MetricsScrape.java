package dev.toolgate.admin;

import dev.toolgate.error.GatewayError;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * {@code GET /metrics}, in Prometheus's text format: Kong's metrics (of the configured {@code prometheus} plugins),
 * the JVM's and the process's, and Toolgate's own. Rendered off the event loop (the JVM collectors read MXBeans),
 * once for all the scrapes, of this listener and the other, that ask while it is rendered.
 */
final class MetricsScrape {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsScrape.class);

    private final Vertx vertx;
    private final AdminView view;

    MetricsScrape(Vertx vertx, AdminView view) {
        this.vertx = vertx;
        this.view = view;
    }

    void send(HttpServerRequest request) {
        Context context = vertx.getOrCreateContext();
        view.telemetry().exposition().render().whenComplete((text, failure) -> context.runOnContext(v -> {
            if (failure != null) {
                String errorId = UUID.randomUUID().toString();
                Throwable cause = failure instanceof CompletionException shared && shared.getCause() != null
                        ? shared.getCause() : failure;
                LOG.error("admin GET /metrics failed (error id {})", errorId, cause);
                AdminResponse.of(new GatewayError.Internal(errorId)).send(request);
                return;
            }
            request.response().setStatusCode(200).putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(AdminResponse.body(request, Buffer.buffer(text)));
        }));
    }
}
