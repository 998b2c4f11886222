package dev.toolgate.mode.passthrough;

import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;

/**
 * What the era bridge's tests share: a scripted session-era server (a {@link RestUpstream} whose handlers each
 * test writes) behind a passthrough route at {@code /mcp} that bridges modern clients to it.
 */
final class ScriptedLegacyServer {

    /** The scripted server's answer to {@code initialize}, for the request id given. */
    static final String INITIALIZED = """
            {"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},
             "serverInfo":{"name":"scripted","version":"1"}}}""";

    private ScriptedLegacyServer() {
    }

    /**
     * A configuration with the route {@code legacy-only} at {@code /mcp} to {@code server}'s {@code /mcp}, its
     * {@code server} settings {@code upstream_era: legacy} and {@code more} (e.g. {@code session: {...}}; "" for none).
     */
    static String route(RestUpstream server, String more) {
        return """
                _format_version: "3.0"
                services:
                  - name: legacy-only
                    url: %s/mcp
                    routes:
                      - name: legacy-only
                        paths: [/mcp]
                        plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener, server: {upstream_era: legacy%s}}}]
                """.formatted(server.url(), more.isEmpty() ? "" : ", " + more);
    }

    /** Stops what a test class started, skipping what it never got to start. */
    static void close(TestGateway gateway, RestUpstream server) {
        if (gateway != null) {
            gateway.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
