package dev.toolgate.observe.otel;

import dev.toolgate.http.ConnectionFailures;
import dev.toolgate.observe.BufferOutput;
import dev.toolgate.observe.Destination;
import dev.toolgate.observe.Outbox;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;

/**
 * OTLP/HTTP exports sent by a Vert.x client on the gateway's side loop (one the proxy does not use), as is the
 * network I/O of every other sink. The SDK's own sender (the JDK's HTTP client) cost about 10 µs of CPU per traced call in the
 * bench across three threads of its own, more than making and encoding the spans. The SDK encodes each
 * export on the queue's thread, into the buffer the client sends; only sending is on an event loop, the
 * side loop, for every export. One kept-alive connection per sender of the queue (one export at a time on
 * each), without Nagle's delay; a failed export is retried by the queue, as Kong's, not here.
 */
final class VertxSender implements HttpSender {

    /** The collector's answer is read for its error message only. */
    private static final int MAX_ANSWER_BYTES = 16 * 1024;

    private final HttpSenderConfig config;
    private final HttpClient client;
    private final RequestOptions target;
    /**
     * The one event loop this sender's exchanges run on ({@link Destination#onLoop}): the loops' wake-ups
     * that the log plugins add went from 0.04 to 0.01 a call in the bench's observed route.
     */
    private final Context context;

    private VertxSender(Context context, HttpSenderConfig config) {
        this.config = config;
        this.context = context;
        URI uri = config.getEndpoint();
        // a failed send is logged as such (Outbox); a reset connection is not an ERROR line of Vert.x's besides
        this.client = context.owner().httpClientBuilder().with(new HttpClientOptions().setSsl(Destination.tls(uri))
                        .setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout((int) config.getConnectTimeout().toMillis()))
                .with(new PoolOptions().setHttp1MaxSize(Outbox.sendersPerCore()))
                .withConnectHandler(ConnectionFailures.onConnect()).build();
        this.target = Destination.request(uri, HttpMethod.POST).setTimeout(config.getTimeout().toMillis())
                .putHeader("content-type", config.getContentType());
        if (config.getCompressor() != null) {
            target.putHeader("content-encoding", config.getCompressor().getEncoding());
        }
    }

    /**
     * The exporters' component loader: this sender for HTTP, the class path for the rest.
     *
     * @param context the event loop the exports are sent on
     */
    static ComponentLoader loader(Context context) {
        ComponentLoader classPath = ComponentLoader.forClassLoader(VertxSender.class.getClassLoader());
        HttpSenderProvider provider = config -> new VertxSender(context, config);
        return new ComponentLoader() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> Iterable<T> load(Class<T> type) {
                return type == HttpSenderProvider.class ? (List<T>) List.of(provider) : classPath.load(type);
            }
        };
    }

    @Override
    public void send(MessageWriter message, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        Buffer body;
        try {
            body = encode(message);
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        RequestOptions request = new RequestOptions(target);
        config.getHeadersSupplier().get().forEach((name, values) -> values.forEach(v -> request.addHeader(name, v)));
        Destination.onLoop(context, () -> client.request(request).compose(r -> r.send(body))
                        .compose(VertxSender::answer))
                .onSuccess(onResponse::accept).onFailure(onError::accept);
    }

    /** The export as the client sends it, written straight into its buffer. */
    private Buffer encode(MessageWriter message) throws IOException {
        var out = new BufferOutput(message.getContentLength());
        if (config.getCompressor() == null) {
            message.writeMessage(out);
        } else {
            try (OutputStream compressed = config.getCompressor().compress(out)) {
                message.writeMessage(compressed);
            }
        }
        return out.buffer();
    }

    private static Future<HttpResponse> answer(HttpClientResponse response) {
        Promise<HttpResponse> answered = Promise.promise();
        Buffer kept = Buffer.buffer();
        response.handler(chunk -> {
            if (kept.length() < MAX_ANSWER_BYTES) {
                kept.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ANSWER_BYTES - kept.length()));
            }
        });
        response.exceptionHandler(answered::tryFail);
        response.endHandler(v -> answered.tryComplete(new Answer(response.statusCode(), response.statusMessage(),
                kept.getBytes())));
        return answered.future();
    }

    @Override
    public CompletableResultCode shutdown() {
        CompletableResultCode closed = new CompletableResultCode();
        client.close().onComplete(ar -> closed.succeed());
        return closed;
    }

    private record Answer(int getStatusCode, String getStatusMessage, byte[] getResponseBody) implements HttpResponse {
    }
}
