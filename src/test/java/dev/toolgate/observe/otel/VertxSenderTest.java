package dev.toolgate.observe.otel;

import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class VertxSenderTest {

    private static final byte[] EXPORT = "an encoded export".getBytes(StandardCharsets.UTF_8);

    private Vertx vertx;
    private HttpServer collector;
    private final AtomicReference<io.vertx.core.http.HttpServerRequest> received = new AtomicReference<>();
    private final CompletableFuture<Buffer> body = new CompletableFuture<>();
    private volatile int answerStatus = 200;
    private volatile int answerBytes = 0;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        collector = vertx.createHttpServer().requestHandler(request -> {
            received.set(request);
            request.body().onSuccess(b -> {
                body.complete(b);
                request.response().setStatusCode(answerStatus).end(Buffer.buffer(new byte[answerBytes]));
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        vertx.close();
    }

    @Test
    void sendsTheExportsBytesWithItsContentTypeAndTheConfiguredHeaders() throws Exception {
        HttpResponse response = send(sender("http://127.0.0.1:" + collector.actualPort() + "/v1/traces"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body.get(5, TimeUnit.SECONDS).getBytes()).isEqualTo(EXPORT);
        assertThat(received.get().path()).isEqualTo("/v1/traces");
        assertThat(received.get().getHeader("content-type")).isEqualTo("application/x-protobuf");
        assertThat(received.get().getHeader("x-tenant")).isEqualTo("team-a");
    }

    @Test
    void keepsAtMost16KibOfACollectorsAnswer() throws Exception {
        answerStatus = 503;
        answerBytes = 1024 * 1024;

        HttpResponse response = send(sender("http://127.0.0.1:" + collector.actualPort() + "/v1/traces"));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(response.getResponseBody()).hasSize(16 * 1024);
    }

    @Test
    void reportsACollectorThatCannotBeReachedAsAnError() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        sender("http://127.0.0.1:" + closed + "/v1/traces")
                .send(message(), r -> failed.complete(null), failed::complete);

        assertThat(failed.get(10, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void anExportThroughASenderAlreadyShutDownFailsAtOnceNotAfterItsTimeout() throws Exception {
        HttpSender sender = sender("http://127.0.0.1:" + collector.actualPort() + "/v1/traces");
        sender.shutdown().join(5, TimeUnit.SECONDS);
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        long started = System.nanoTime();

        sender.send(message(), r -> failed.complete(null), failed::complete);

        assertThat(failed.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(received.get()).isNull();
    }

    private HttpResponse send(HttpSender sender) throws Exception {
        CompletableFuture<HttpResponse> answered = new CompletableFuture<>();
        sender.send(message(), answered::complete, answered::completeExceptionally);
        return answered.get(10, TimeUnit.SECONDS);
    }

    private static MessageWriter message() {
        return new MessageWriter() {
            @Override
            public void writeMessage(OutputStream out) throws java.io.IOException {
                out.write(EXPORT);
            }

            @Override
            public int getContentLength() {
                return EXPORT.length;
            }
        };
    }

    private HttpSender sender(String endpoint) {
        HttpSenderProvider provider = VertxSender.loader(vertx.getOrCreateContext()).load(HttpSenderProvider.class).iterator().next();
        return provider.createSender(new HttpSenderConfig() {
            @Override
            public URI getEndpoint() {
                return URI.create(endpoint);
            }

            @Override
            public String getContentType() {
                return "application/x-protobuf";
            }

            @Override
            public Compressor getCompressor() {
                return null;
            }

            @Override
            public Duration getTimeout() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration getConnectTimeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Supplier<Map<String, List<String>>> getHeadersSupplier() {
                return () -> Map.of("x-tenant", List.of("team-a"));
            }

            @Override
            public ProxyOptions getProxyOptions() {
                return null;
            }

            @Override
            public RetryPolicy getRetryPolicy() {
                return null;
            }

            @Override
            public SSLContext getSslContext() {
                return null;
            }

            @Override
            public X509TrustManager getTrustManager() {
                return null;
            }

            @Override
            public ExecutorService getExecutorService() {
                return null;
            }
        });
    }
}
