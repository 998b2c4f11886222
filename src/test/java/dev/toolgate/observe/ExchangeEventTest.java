package dev.toolgate.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExchangeEventTest {

    private static final Origin ORIGIN = new Origin(new Origin.RouteFacts("r1", "widgets-mcp", "s1", "widgets",
            "passthrough-listener", true, false, true), null, null, null, "127.0.0.1", "gw:8000", "2025-06-18");

    private static ExchangeEvent exchange(List<ObjectNode> audits) {
        return new ExchangeEvent(ORIGIN, 1_700_000_000_000L, "POST", "/mcp", "http://gw:8000/mcp", 80, Map.of(), 200,
                120, Map.of(), 2_000_000, 1_000_000, 200, null, List.of(), audits);
    }

    private static ObjectNode audit(String consumerName) {
        ObjectNode audit = Json.object();
        audit.put("primitive_name", "get_widget").put("primitive", "tool").put("action", "allow");
        audit.putObject("consumer").put("id", "c-1").put("name", consumerName).put("identifier", "username");
        audit.put("scope", "primitive");
        return audit;
    }

    @Test
    void anAuditWeighsWhatItsTextsWeighSoMaxBytesSeesItsRealSize() {
        int none = exchange(List.of()).weight();
        int small = exchange(List.of(audit("alice"))).weight() - none;
        int large = exchange(List.of(audit("b".repeat(100_000)))).weight() - none;

        assertThat(small).isBetween(100, 250);
        assertThat(large - small).isEqualTo(100_000 - "alice".length());
    }
}
