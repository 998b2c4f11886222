package dev.toolgate.http;

import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * A document the gateway itself publishes at a fixed path, such as an MCP endpoint's OAuth Protected
 * Resource Metadata (RFC 9728): answered before routing, so no route has to cover its path. Runs on an
 * event loop and must not block.
 */
@FunctionalInterface
public interface Published {

    /** Answers a request for the document. */
    void answer(HttpServerRequest request);

    /**
     * The host (lower-case, without port) whose requests this document answers when documents of several
     * hosts share its path, or null when it is for whichever host is asked.
     */
    default String host() {
        return null;
    }

    /** A policy that publishes documents; the snapshot collects them by path. */
    interface Source {

        /** The documents by path (exact, normalized). Equal documents at one path are one document. */
        Map<String, Published> published();
    }
}
