package dev.toolgate.observe;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry in Prometheus's text format, as {@code /metrics} serves it, rendered once for every scrape that
 * asks while it is being rendered. A rendering reads every collector (the JVM's read MXBeans) and holds the
 * whole text: rendered per scrape, scrapers at once, or one scraping in a loop from the pod network through the
 * status listener, cost as many renderings as requests. Shared, they cost one at a time, whatever their number;
 * a scrape that asks after a rendering has ended starts the next, so no answer is older than the scrape that
 * asked before it. Rendered on a virtual thread, never on an event loop.
 */
public final class Exposition {

    private final PrometheusRegistry registry;
    private final Object lock = new Object();
    /** The rendering under way, which the scrapes that ask now share; null between renderings. */
    private CompletableFuture<byte[]> underWay;
    /** Renderings started, and scrapes that asked for one: what sharing saves, for the tests to see. */
    private final AtomicLong renderings = new AtomicLong();
    private final AtomicLong asked = new AtomicLong();

    Exposition(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** The text, from the rendering under way or from one started now; fails when rendering does. */
    public CompletionStage<byte[]> render() {
        asked.incrementAndGet();
        CompletableFuture<byte[]> rendering;
        synchronized (lock) {
            if (underWay != null) {
                return underWay.copy(); // a copy: a scrape must not be able to complete the others' answer
            }
            rendering = underWay = new CompletableFuture<>();
        }
        renderings.incrementAndGet();
        Thread.ofVirtual().name("metrics-exposition").start(() -> finish(rendering));
        return rendering.copy();
    }

    private void finish(CompletableFuture<byte[]> rendering) {
        try {
            byte[] text = write();
            end();
            rendering.complete(text);
        } catch (IOException | RuntimeException | Error e) {
            end(); // every scrape waiting must get an answer, a failed one included
            rendering.completeExceptionally(e);
        }
    }

    private void end() {
        synchronized (lock) {
            underWay = null;
        }
    }

    private byte[] write() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toByteArray();
    }

    /** Renderings started since the gateway did. */
    long renderings() {
        return renderings.get();
    }

    /** Scrapes that asked for the text since the gateway started. */
    long asked() {
        return asked.get();
    }
}
