package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.HeaderText;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.List;

/**
 * One claim the upstream receives as a header ({@code claim_to_header} for a top-level claim,
 * {@code upstream_headers} for a nested one). A claim the token lacks clears the header, so a client
 * cannot supply it itself.
 *
 * @param header the upstream header's name
 * @param path   the claim's path in the token's payload ({@code [org, id]}; an array element by its
 *               index, {@code [roles, "0"]})
 * @param nested read from {@code upstream_headers} rather than {@code claim_to_header}: the two send the same
 *               header for a one-element path, and the Admin API shows the field the operator wrote
 */
public record ClaimHeader(String header, List<String> path, boolean nested) {

    public ClaimHeader {
        path = List.copyOf(path);
    }

    /** Reads {@code claim_to_header} and {@code upstream_headers}; Kong allows one of the two. */
    static List<ClaimHeader> read(ConfigNode node) {
        List<ClaimHeader> headers = new ArrayList<>();
        for (ConfigNode item : node.objects("claim_to_header")) {
            String claim = item.text("claim");
            String header = item.text("header");
            refuseFraming(item, header);
            item.finish();
            if (claim != null && header != null) {
                headers.add(new ClaimHeader(header, List.of(claim), false));
            }
        }
        List<ConfigNode> nested = node.objects("upstream_headers");
        if (!headers.isEmpty() && !nested.isEmpty()) {
            node.problem("upstream_headers", "claim_to_header and upstream_headers are mutually exclusive: use one");
        }
        for (ConfigNode item : nested) {
            String header = item.text("header");
            refuseFraming(item, header);
            List<String> path = item.texts("path");
            if (item.has("path") && path.isEmpty()) {
                item.problem("path", "needs at least one element");
            } else if (!item.has("path")) {
                item.problem("path", "is required");
            }
            item.finish();
            if (header != null && !path.isEmpty()) {
                headers.add(new ClaimHeader(header, path, true));
            }
        }
        return headers;
    }

    /**
     * A claim must not frame the upstream request ({@code Content-Length}, {@code Transfer-Encoding}, a
     * connection header): the gateway writes it on a pooled connection, as for request-transformer's rules.
     */
    private static void refuseFraming(ConfigNode item, String header) {
        if (header != null && ForwardedHeaders.framing(header)) {
            item.problem("header", "'" + header + "' frames the upstream request, which the gateway sets itself: "
                    + "name another header");
        }
    }

    /** Sets the header from the claims, or removes it when the claim is absent. */
    void apply(JsonNode claims, Exchange exchange) {
        // the upstream headers are laid over the client's: removing one there would let the client's own through
        exchange.credentials().assertHeader(header);
        MultiMap upstream = exchange.upstreamHeaders();
        JsonNode value = at(claims, path);
        if (value == null || value.isNull() || value.isMissingNode()) {
            upstream.remove(header);
        } else if (value.isValueNode()) {
            upstream.set(header, HeaderText.of(value.asText()));
        } else if (value.isArray() && allScalars(value)) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            upstream.set(header, HeaderText.of(String.join(",", items)));
        } else {
            upstream.set(header, HeaderText.of(value.toString()));
        }
    }

    /** The value at a claim path: object members by name, array elements by index. */
    static JsonNode at(JsonNode claims, List<String> path) {
        JsonNode node = claims;
        for (String segment : path) {
            if (node == null) {
                return null;
            }
            node = node.isArray() && segment.matches("\\d{1,9}") ? node.get(Integer.parseInt(segment)) : node.get(segment);
        }
        return node;
    }

    private static boolean allScalars(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isValueNode()) {
                return false;
            }
        }
        return true;
    }
}
