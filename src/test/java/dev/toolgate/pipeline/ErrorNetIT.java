package dev.toolgate.pipeline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.config.Route;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pipeline's error net: whatever fails behind the {@link PolicyGate} — an endpoint throwing, an
 * endpoint failing in a callback after the body arrived (what an OpenAPI {@code pattern} that does
 * not compile used to do to {@code tools/call}: no answer, no log line), a policy whose future fails
 * — is answered with the catalog's internal error and an error id, logged once with its stack under
 * that id, and the next request is answered too. The gate runs here on a real listener, in front of
 * endpoints that fail on purpose; the OpenAPI case itself is now refused at load.
 */
@Timeout(30)
class ErrorNetIT {

    static Vertx vertx;
    static HttpServer server;
    static volatile Function<Exchange, Future<Void>> endpoint;
    static volatile PolicyChain chain = PolicyChain.EMPTY;
    static ListAppender<ILoggingEvent> log;
    static Logger root;

    @BeforeAll
    static void start() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log = new ListAppender<>();
        log.list = Collections.synchronizedList(new ArrayList<>());
        log.start();
        root.addAppender(log);
        Route route = new Route("r", "r", List.of("/mcp"), List.of(), List.of(), Map.of(), List.of("http"), 426, true, false,
                "v0", 0, List.of(), null, "routes[0]");
        McpEndpoint failing = new McpEndpoint() {
            @Override
            public Future<Void> handle(Exchange exchange) {
                return endpoint.apply(exchange);
            }

            @Override
            public boolean exactPath() {
                return false;
            }

            @Override
            public long bodyLimit() {
                return 1024;
            }
        };
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request ->
                new PolicyGate(chain, failing, ClientAddresses.PEER).handle(request, new RouteMatch(route, "/mcp")))
                .listen(0, "127.0.0.1").await();
    }

    @AfterAll
    static void stop() {
        root.detachAppender(log);
        vertx.close().await();
    }

    static McpHttp client() {
        return new McpHttp(URI.create("http://127.0.0.1:" + server.actualPort() + "/mcp"));
    }

    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}";

    @Test
    void aFailureInACallbackAfterTheBodyArrivedIsAnsweredWithAnErrorIdLoggedOnceWithItsStack() {
        endpoint = exchange -> exchange.body().map(body -> {
            throw new IllegalStateException("a validator that does not compile (secret detail)");
        });
        for (int i = 0; i < 2; i++) {
            assertInternalError(client().post(CALL));
        }
    }

    @Test
    void anExceptionThrownByTheEndpointIsAnsweredToo() {
        endpoint = exchange -> {
            throw new IllegalArgumentException("boom (secret detail)");
        };
        assertInternalError(client().post(CALL));
    }

    @Test
    void aPolicyWhoseFutureFailsIsAnsweredAndTheEndpointIsNotReached() {
        List<String> reached = Collections.synchronizedList(new ArrayList<>());
        endpoint = exchange -> {
            reached.add("endpoint");
            return exchange.request().response().end();
        };
        chain = PolicyChain.of("r", null, Map.of("key-auth", List.of(new PolicyChain.Configured(
                new PluginScope(null, null, null, null),
                exchange -> Future.failedFuture(new IllegalStateException("the key store broke (secret detail)"))))));
        try {
            assertInternalError(client().post(CALL));
            assertThat(reached).isEmpty();
        } finally {
            chain = PolicyChain.EMPTY;
        }
    }

    @Test
    void anErrorAPolicyThrowsAtOnceIsAnsweredAndTheNextRequestToo() {
        endpoint = exchange -> exchange.request().response().end();
        chain = PolicyChain.of("r", null, Map.of("key-auth", List.of(new PolicyChain.Configured(
                new PluginScope(null, null, null, null),
                exchange -> {
                    throw new StackOverflowError("a policy recursed (secret detail)");
                }))));
        try {
            assertInternalError(client().post(CALL));
            assertInternalError(client().post(CALL));
        } finally {
            chain = PolicyChain.EMPTY;
        }
    }

    @Test
    void aClientThatLeavesBeforeItsAnswerIsWrittenIsNotAnErrorOfTheGateway() throws Exception {
        // as a mode's answer racing the client's going away: written after the connection closed
        CompletableFuture<Throwable> written = new CompletableFuture<>();
        endpoint = exchange -> {
            Promise<Void> gone = Promise.promise();
            exchange.request().connection().closeHandler(v -> gone.tryComplete());
            return exchange.body().compose(body -> gone.future())
                    .compose(v -> exchange.request().response().setStatusCode(200).end("{}"))
                    .onComplete(ar -> written.complete(ar.cause()));
        };
        leaveWhileAnswered(written);
    }

    @Test
    void aClientThatResetsWhileItsAnswerIsStillBeingWrittenIsNotAnErrorOfTheGatewayEither() throws Exception {
        // the write of an ended answer fails ("Connection reset by peer"); Vert.x never marks that response closed
        CompletableFuture<Throwable> written = new CompletableFuture<>();
        endpoint = exchange -> exchange.body().compose(body -> exchange.request().response().setStatusCode(200)
                .end(Buffer.buffer(new byte[64 * 1024 * 1024])).onComplete(ar -> written.complete(ar.cause())));
        leaveWhileAnswered(written);
    }

    /** Sends a call over a socket that reads nothing and is reset; then the gateway must not have logged it. */
    private static void leaveWhileAnswered(CompletableFuture<Throwable> written) throws Exception {
        int before = log.list.size();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()));
            socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nContent-Length: " + CALL.length() + "\r\n\r\n"
                    + CALL).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread.sleep(300);
            socket.setSoLinger(true, 0);
        }
        assertThat(written.get(10, TimeUnit.SECONDS)).as("the answer's write failed").isNotNull();
        endpoint = exchange -> exchange.request().response().setStatusCode(200).end("{}");
        assertThat(client().post(CALL).status()).as("the next request is answered").isEqualTo(200);
        assertThat(List.copyOf(log.list).subList(before, log.list.size()))
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void aDocumentWhosePatternDoesNotCompileIsRefusedAtLoadInsteadOfFailingAtCallTime() {
        String spec = """
                openapi: 3.0.3
                info: {title: Search, version: "1"}
                paths:
                  /search:
                    get:
                      operationId: search
                      parameters:
                        - {name: q, in: query, required: true, schema: {type: string, pattern: "(["}}
                      responses: {"200": {description: ok}}
                """;
        assertThatThrownBy(() -> TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: search-api
                    url: http://127.0.0.1:9
                    routes:
                      - name: search
                        paths: [/search-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: conversion-listener, openapi: {spec: search.yaml}}
                """, Map.of(), false, Map.of("search.yaml", spec)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("GET /search: parameter q: pattern \"([\" is not a valid regular expression");
    }

    private static void assertInternalError(McpHttp.Response failed) {
        assertThat(failed.status()).as(failed.toString()).isEqualTo(500);
        assertThat(failed.json().path("error").path("code").asInt()).isEqualTo(-32603);
        String message = failed.json().path("error").path("message").asText();
        Matcher errorId = Pattern.compile("error id ([0-9a-f-]{36})").matcher(message);
        assertThat(errorId.find()).as(message).isTrue();
        assertThat(message).doesNotContain("secret detail", "Exception");
        List<ILoggingEvent> lines = List.copyOf(log.list).stream()
                .filter(e -> e.getFormattedMessage().contains(errorId.group(1))).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst().getLevel()).isEqualTo(Level.ERROR);
        assertThat(lines.getFirst().getThrowableProxy()).as("the stack is logged").isNotNull();
    }
}
