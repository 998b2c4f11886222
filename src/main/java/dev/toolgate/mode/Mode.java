package dev.toolgate.mode;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;

/** The four modes of {@code ai-mcp-proxy}, by their Kong names. */
public enum Mode {
    /** Proxies MCP traffic to the service unchanged, observing every message on the side. */
    PASSTHROUGH_LISTENER("passthrough-listener"),
    /** Serves its own tools on the route; each call becomes an HTTP request to the service. */
    CONVERSION_LISTENER("conversion-listener"),
    /** Defines tools, tagged by the plugin's tags, for listeners; serves nothing itself. */
    CONVERSION_ONLY("conversion-only"),
    /** Serves the tools of every conversion plugin whose tags contain {@code server.tag}. */
    LISTENER("listener");

    private final String kongName;

    Mode(String kongName) {
        this.kongName = kongName;
    }

    @JsonValue
    public String kongName() {
        return kongName;
    }

    /** True for the modes that define tools. */
    public boolean converts() {
        return this == CONVERSION_LISTENER || this == CONVERSION_ONLY;
    }

    /** True for the modes that answer MCP requests on their route. */
    public boolean listens() {
        return this != CONVERSION_ONLY;
    }

    public static List<String> kongNames() {
        return Arrays.stream(values()).map(Mode::kongName).toList();
    }

    public static Mode ofKongName(String name) {
        return Arrays.stream(values()).filter(m -> m.kongName.equals(name)).findFirst().orElse(null);
    }
}
