package dev.toolgate.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real local REST API for tests: a Vert.x server on a free port that records every request it
 * receives and answers from per-route handlers ({@code "GET /users"}), or with 404.
 */
public final class RestUpstream implements AutoCloseable {

    /** A request as the upstream saw it. */
    public record Received(String method, String uri, String path, String query, MultiMap headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Map<String, Consumer<HttpServerRequest>> routes = new ConcurrentHashMap<>();
    private final Map<String, java.util.function.BiConsumer<HttpServerRequest, String>> bodyRoutes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    public RestUpstream() {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
    }

    /** The upstream's Vert.x, for handlers that answer later (timers). */
    public Vertx vertx() {
        return vertx;
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** {@link #oneToolRoute()} in a {@code kong.yaml} of its own folder, for a gateway started as a process. */
    public Path oneToolConfigFile() throws IOException {
        return Files.writeString(Files.createTempDirectory("toolgate").resolve("kong.yaml"), oneToolRoute());
    }

    /**
     * The smallest conversion route in front of this API: {@code /mcp} with one tool {@code one}
     * ({@code GET /mcp/one}; the route strips its {@code /mcp}, so the API is asked {@code GET /one}), the route named {@code mcp}.
     */
    public String oneToolRoute() {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                """.formatted(url());
    }

    /** Answers {@code METHOD path} (exact path, query ignored) with a handler. */
    public RestUpstream on(String methodAndPath, Consumer<HttpServerRequest> handler) {
        routes.put(methodAndPath, handler);
        return this;
    }

    /** Answers {@code METHOD path} with a status, content type and body. */
    public RestUpstream json(String methodAndPath, int status, String body) {
        return on(methodAndPath, r -> r.response().setStatusCode(status).putHeader("content-type", "application/json").end(body));
    }

    /** The next request received, waiting up to 5 seconds. */
    public Received next() {
        try {
            Received r = received.poll(5, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("the upstream received no request within 5 s");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** True when no request arrives within {@code wait}. */
    public boolean quiet(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    /** Answers {@code METHOD path} with a handler that also gets the request's body (already read). */
    public RestUpstream onBody(String methodAndPath, java.util.function.BiConsumer<HttpServerRequest, String> handler) {
        bodyRoutes.put(methodAndPath, handler);
        return this;
    }

    /**
     * Answers {@code methodAndPath} with {@code handler}, given the body read as a JSON-RPC message: a scripted MCP
     * server. A body that is not JSON gets 400.
     */
    public RestUpstream onMessage(String methodAndPath,
                                  java.util.function.BiConsumer<HttpServerRequest, com.fasterxml.jackson.databind.JsonNode> handler) {
        return onBody(methodAndPath, (request, body) -> {
            com.fasterxml.jackson.databind.JsonNode message;
            try {
                message = dev.toolgate.mcp.Json.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                request.response().setStatusCode(400).end();
                return;
            }
            handler.accept(request, message);
        });
    }

    /** Every request received and not yet taken, oldest first (they stay recorded). */
    public java.util.List<Received> received() {
        return java.util.List.copyOf(received);
    }

    /** Forgets requests received so far (each test starts from an empty record). */
    public void clear() {
        received.clear();
    }

    public int pending() {
        return received.size();
    }

    /** How many requests {@code METHOD path} received in all (what {@link #clear()} forgets included). */
    public int count(String methodAndPath) {
        AtomicInteger count = counts.get(methodAndPath);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
            received.add(new Received(request.method().name(), request.uri(), request.path(), request.query(), headers,
                    body.toString()));
            String key = request.method().name() + " " + request.path();
            counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            Consumer<HttpServerRequest> route = routes.get(key);
            var withBody = bodyRoutes.get(key);
            if (withBody != null) {
                withBody.accept(request, body.toString());
            } else if (route != null) {
                route.accept(request);
            } else {
                request.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end(Buffer.buffer("{\"message\":\"no such route in the test upstream\"}"));
            }
        });
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
