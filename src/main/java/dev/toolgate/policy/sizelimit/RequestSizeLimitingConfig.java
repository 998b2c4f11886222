package dev.toolgate.policy.sizelimit;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;

import java.util.List;

/**
 * The {@code config} of Kong's {@code request-size-limiting} plugin, with Kong's names and defaults.
 * It applies beside ai-mcp-proxy's {@code max_request_body_size}: the lower of the two wins.
 *
 * @param allowedPayloadSize   the largest body, in {@code size_unit}s; default 128
 * @param sizeUnit             {@code megabytes} (default), {@code kilobytes} or {@code bytes}
 * @param requireContentLength refuse requests without a valid {@code Content-Length} (411); default false
 */
public record RequestSizeLimitingConfig(long allowedPayloadSize, String sizeUnit, boolean requireContentLength)
        implements PluginSettings {

    static RequestSizeLimitingConfig read(ConfigNode node) {
        RequestSizeLimitingConfig config = new RequestSizeLimitingConfig(
                node.integer("allowed_payload_size", 128, 0, Integer.MAX_VALUE),
                node.oneOf("size_unit", "megabytes", List.of("megabytes", "kilobytes", "bytes")),
                node.bool("require_content_length", false));
        node.finish();
        return config;
    }

    /** The limit in bytes (Kong's units are binary: a megabyte is 2^20 bytes). */
    public long bytes() {
        return switch (sizeUnit) {
            case "megabytes" -> allowedPayloadSize << 20;
            case "kilobytes" -> allowedPayloadSize << 10;
            default -> allowedPayloadSize;
        };
    }
}
