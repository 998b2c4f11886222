package dev.toolgate.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An MCP server-to-client stream (GET with {@code Accept: text/event-stream}) read line by line with
 * the JDK client's {@code BodyHandlers.ofLines()}; every line is kept, in order, for assertions.
 */
public final class SseStream implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean ended;

    private SseStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().name("sse-reader").start(() -> {
            try (Stream<String> body = response.body()) {
                body.forEach(line -> {
                    seen.add(line);
                    lines.add(line);
                });
            } catch (RuntimeException e) {
                // closed by the test or by the server
            } finally {
                ended = true;
            }
        });
    }

    /** Opens the stream with the given headers; returns once the response head has arrived. */
    public static SseStream open(URI endpoint, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).GET();
        headers.forEach(request::header);
        try {
            return new SseStream(CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                    .get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError("GET stream could not be opened", e);
        }
    }

    /** {@code Accept: text/event-stream} and the session. */
    public static SseStream open(URI endpoint, String sessionId) {
        return open(endpoint, Map.of("accept", "text/event-stream", "mcp-session-id", sessionId));
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** Every line received so far. */
    public List<String> lines() {
        return List.copyOf(seen);
    }

    /** The {@code data:} payloads received so far. */
    public List<String> data() {
        return seen.stream().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim()).toList();
    }

    /** The next {@code data:} payload, waiting up to {@code wait}; null when none arrives. */
    public String nextData(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                return null;
            }
            if (line.startsWith("data:")) {
                return line.substring(5).trim();
            }
        }
    }

    /** True once the server ended the stream (or it was closed). */
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (RuntimeException e) {
            // already closed
        }
        reader.interrupt();
    }
}
