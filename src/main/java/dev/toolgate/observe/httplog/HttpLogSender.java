package dev.toolgate.observe.httplog;

import dev.toolgate.http.ConnectionFailures;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.BufferOutput;
import dev.toolgate.observe.Destination;
import dev.toolgate.observe.LogQueue;
import dev.toolgate.observe.Outbox;
import dev.toolgate.observe.Telemetry;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The queue and connections of one http-log configuration, kept across reloads while it is unchanged.
 * Batches are serialized on the queue's own threads and sent through a Vert.x client on the gateway's side
 * loop, one the proxy does not use (a kept-alive connection per sender, Kong's {@code keepalive}, without Nagle's delay); an answer of
 * 300 or more, or none within {@code timeout}, is a failure, retried as the queue settings say.
 */
final class HttpLogSender implements AutoCloseable {

    /** The queue's senders, each with a connection of its own. */
    private static final int SENDERS = Outbox.sendersPerCore();

    private final HttpLogConfig config;
    private final HttpClient client;
    private final RequestOptions target;
    private final Outbox<LogQueue> outbox;
    /** The one event loop the batches are sent on, the side loop ({@link Destination#onLoop}). */
    private final Context context;

    HttpLogSender(HttpLogConfig config, Telemetry telemetry, String name) {
        this.config = config;
        this.context = telemetry.sending();
        URI uri = URI.create(config.httpEndpoint());
        this.target = Destination.request(uri, HttpMethod.valueOf(config.method())).setTimeout(config.timeout());
        // Kong's order: the configured headers first (never a Host, Content-Length or Content-Type: the
        // configuration refuses them, as Kong's schema does), then its own (the endpoint's Host, the body's length,
        // content_type, and the Authorization of a user and password in http_endpoint, which the configuration
        // refuses beside a configured one, as Kong's schema does).
        // The client writes Host as lua-resty-http does since Kong 3.8: the port unless the scheme's own.
        config.headers().forEach(target::putHeader);
        target.putHeader("content-type", config.contentType());
        if (uri.getRawUserInfo() != null) {
            // as written: Kong's socket.url leaves percent-escapes in userinfo, and encodes those bytes
            target.putHeader("authorization", "Basic " + Base64.getEncoder().encodeToString(
                    uri.getRawUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        // made once the request is: a header it refuses throws before there is a client to close. A failed send is
        // logged as such (Outbox); a reset connection is not an ERROR line of Vert.x's besides
        this.client = context.owner().httpClientBuilder().with(new HttpClientOptions().setSsl(Destination.tls(uri))
                        .setKeepAlive(true).setTcpNoDelay(true)
                        .setKeepAliveTimeout((int) Math.max(1, config.keepalive() / 1000))
                        .setConnectTimeout((int) config.timeout()))
                .with(new PoolOptions().setHttp1MaxSize(SENDERS)).withConnectHandler(ConnectionFailures.onConnect())
                .build();
        this.outbox = new Outbox<>(name, config.queue(), this::send, LogQueue::weight, telemetry.dropCounter("http-log"),
                SENDERS, telemetry.backlog());
    }

    void offer(LogQueue entry) {
        outbox.offer(entry);
    }

    private void send(List<LogQueue> batch, int attempt) throws Exception {
        // Kong sends an entry alone when batches are of one, else a JSON array; either way streamed into
        // the buffer the client sends: no tree per entry, no copy of the batch
        boolean alone = config.queue().maxBatchSize() == 1 && batch.size() == 1;
        // about an entry's size each, never more than 1 MiB ahead: a batch grows its buffer as it is written
        var out = new BufferOutput((int) Math.min(1L << 20, batch.size() * 2048L));
        try (var g = Json.MAPPER.createGenerator(out)) {
            if (!alone) {
                g.writeStartArray();
            }
            for (LogQueue q : batch) {
                q.write(g);
            }
            if (!alone) {
                g.writeEndArray();
            }
        }
        Buffer body = out.buffer();
        int status;
        try {
            status = Destination.onLoop(context, () -> client.request(new RequestOptions(target))
                            .compose(request -> request.send(body))
                            .compose(response -> response.body().map(ignored -> response.statusCode())))
                    .toCompletionStage().toCompletableFuture().get(config.timeout() * 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw Destination.failure(e);
        }
        // Kong 3.x's queue-based handler: only a status below 300 delivers the batch; a redirect is not
        // followed but retried like any failure (the older BatchQueue handler took anything below 400)
        if (status >= 300) {
            throw new IOException("the endpoint answered HTTP " + status);
        }
    }

    @Override
    public void close() {
        outbox.close();
        client.close();
    }
}
