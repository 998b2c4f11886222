package dev.toolgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kong db-less {@code POST /config}: the document as the body, as a {@code config} form field or upload, or as
 * {@code {"config": ...}}, read within a deadline and applied on a virtual thread, one load at a time. A valid
 * document is answered with the status of what is served now; an invalid one with each of its problems.
 */
final class ConfigLoad {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoad.class);

    private final Vertx vertx;
    private final AdminView view;
    private final AdminStatus status;
    /** A {@code POST /config} is being read or applied. */
    private final AtomicBoolean loading = new AtomicBoolean();
    private final long uploadDeadlineMs;

    /**
     * @param uploadDeadlineMs how long a {@code POST /config} may take to arrive whole: a stalled or dripping
     *                         upload holds the one turn, and is cut off at this deadline
     */
    ConfigLoad(Vertx vertx, AdminView view, AdminStatus status, long uploadDeadlineMs) {
        this.vertx = vertx;
        this.view = view;
        this.status = status;
        this.uploadDeadlineMs = uploadDeadlineMs;
    }

    void load(HttpServerRequest request) {
        // one at a time: each document may be 64 MiB, held whole and then parsed, and the listener takes hundreds
        // of connections; posting at once held that many. Another is refused while one is read or applied
        if (!view.accepting()) {
            AdminResponse.of(new GatewayError.ConfigWhileStopping()).send(request);
            return;
        }
        if (!loading.compareAndSet(false, true)) {
            AdminResponse.of(new GatewayError.ConfigLoadInProgress()).send(request);
            return;
        }
        // the turn is given back once: by the answer, or by the deadline that cuts off an upload still arriving
        AtomicBoolean turn = new AtomicBoolean(true);
        Runnable release = () -> {
            if (turn.compareAndSet(true, false)) {
                loading.set(false);
            }
        };
        long deadline = vertx.setTimer(uploadDeadlineMs, id -> {
            release.run();
            request.response().reset(); // HTTP/1.x: the connection is closed; HTTP/2: the stream
        });
        ConfigUpload.read(request, ConfigUpload.MAX_BYTES).onComplete(read -> {
            if (!vertx.cancelTimer(deadline)) {
                return; // cut off: the turn went to the next
            }
            if (read.failed()) {
                release.run();
                // too large, or in a coding the gateway does not read: the catalog's answer, not the error's name
                AdminResponse.of(read.cause() instanceof GatewayException refused ? refused.error()
                        : new GatewayError.UnreadableConfig(read.cause().getMessage())).send(request);
                return;
            }
            applyOffLoop(request, read.result(), release);
        });
    }

    private void applyOffLoop(HttpServerRequest request, ConfigUpload.Upload upload, Runnable release) {
        Context context = vertx.getOrCreateContext();
        Thread.ofVirtual().name("admin-config").start(() -> {
            Runnable answer;
            try {
                // encoded while the turn is held: an answer may be megabytes (every warning), and the next load waits
                answer = answer(upload).encoded(request);
            } catch (OutOfMemoryError e) {
                // what was loaded stays loaded; only its answer (every warning) could not be written
                String errorId = UUID.randomUUID().toString();
                LOG.error("the answer to a POST /config was too large to write (error id {}); GET /status tells what "
                        + "is served", errorId);
                answer = AdminResponse.of(new GatewayError.Internal(errorId)).encoded(request);
            } finally {
                release.run();
            }
            Runnable send = answer;
            context.runOnContext(v -> send.run());
        });
    }

    private AdminResponse answer(ConfigUpload.Upload upload) {
        try {
            return apply(upload);
        } catch (GatewayException refused) {
            return AdminResponse.of(refused.error()); // inflated past the limit, or not gzip after all
        } catch (StackOverflowError | OutOfMemoryError e) {
            return tooLarge();
        }
    }

    /** A document too deep or too large to build, or its answer too large to write: answered, not left hanging. */
    private static AdminResponse tooLarge() {
        return AdminResponse.of(new GatewayError.UnreadableConfig("the document is too deeply nested or too large to "
                + "load"));
    }

    private AdminResponse apply(ConfigUpload.Upload upload) {
        if (!view.accepting()) {
            return AdminResponse.of(new GatewayError.ConfigWhileStopping());
        }
        byte[] document = upload.document(); // inflated and unwrapped here, on this virtual thread
        try {
            view.apply(document);
            return status.report();
        } catch (InvalidConfigException e) {
            return invalid(e);
        } catch (GatewayException refused) {
            return AdminResponse.of(refused.error()); // the stop began while it was read or built
        } catch (RuntimeException e) {
            String errorId = UUID.randomUUID().toString();
            LOG.error("applying a posted config failed (error id {})", errorId, e);
            return AdminResponse.of(new GatewayError.Internal(errorId));
        }
    }

    /** Kong's answer to an invalid declarative configuration, naming each problem. */
    private static AdminResponse invalid(InvalidConfigException e) {
        AdminResponse refused = AdminResponse.of(new GatewayError.InvalidConfiguration(e.problems().size()));
        ObjectNode body = Json.object();
        body.put("name", "invalid declarative configuration");
        body.setAll((ObjectNode) refused.body());
        ArrayNode problems = body.putArray("problems");
        e.problems().stream().map(ConfigProblem::toString).forEach(problems::add);
        return new AdminResponse(refused.status(), body, refused.headers());
    }
}
