package dev.toolgate.pipeline;

import io.vertx.core.MultiMap;

import java.util.List;
import java.util.function.Consumer;

/**
 * Kong's {@code response-transformer} header rules on the answer the client gets (Kong runs its header filter on
 * the route's answer and on the plugins' own {@code kong.response.exit} answers alike). A rule never changes what
 * the MCP client reads the answer by: its {@code Content-Type} (JSON or an event stream) and the transport's
 * {@code Mcp-Session-Id} and {@code Mcp-Protocol-Version} are kept as they were before the rules ran. The framing
 * ({@code Content-Length}, {@code Transfer-Encoding}) a rule would set was left out of it at load.
 */
public final class AnswerHeaders {

    private static final List<String> KEPT = List.of("content-type", "mcp-session-id", "mcp-protocol-version");

    private AnswerHeaders() {
    }

    /** The rewrite of the answer's headers by the policies that apply to the exchange's caller, or null for none. */
    public static Consumer<MultiMap> of(Exchange exchange, List<UpstreamPolicy> policies, int status) {
        if (policies.isEmpty()) {
            return null;
        }
        return headers -> keeping(headers, h -> policies.forEach(p -> p.response(exchange,
                new UpstreamAnswer(status, h, null, false))));
    }

    /** Runs {@code rewrite} on {@code headers}, then puts back the headers it must not change. */
    public static void keeping(MultiMap headers, Consumer<MultiMap> rewrite) {
        List<List<String>> before = KEPT.stream().map(headers::getAll).toList();
        rewrite.accept(headers);
        for (int i = 0; i < KEPT.size(); i++) {
            headers.remove(KEPT.get(i));
            if (!before.get(i).isEmpty()) {
                headers.add(KEPT.get(i), before.get(i));
            }
        }
    }
}
