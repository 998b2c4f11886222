package dev.toolgate.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LabelBoundsTest {

    static final Origin ORIGIN = new Origin(new Origin.RouteFacts("r-1", "mcp-route", "s-1", "mcp-service",
            "passthrough-listener", true, false, false), null, null, null, "127.0.0.1", "localhost", "http");

    private final LabelBounds labels = new LabelBounds();

    /**
     * A tool call's event: its id ("1"), or none for a notification; its error code, or null; the decision of
     * the tool's own ACL, or null (a tool with an ACL of its own is one the configuration names: known).
     */
    static McpEvent event(String id, String method, String tool, Integer errorCode, String acl) {
        return new McpEvent(ORIGIN, 0, "session", id, method, tool, null, 1_000, -1, 0, 200, null, null, 10, 10, errorCode,
                errorCode == null ? null : "refused", false, acl != null, acl, null, null, null, null);
    }

    @Test
    void aToolCallRefusedWithAJsonRpcErrorNamesItsToolOnlyWhenItsOwnAclJudgedIt() {
        assertThat(labels.tool(event("1", "tools/call", "made_up", -32602, null))).isEqualTo(LabelBounds.OTHER);
        assertThat(labels.tool(event("1", "tools/call", "real", null, null))).isEqualTo("real");
        assertThat(labels.tool(event("1", "tools/call", "denied", -32602, "deny"))).isEqualTo("denied");
    }

    @Test
    void aToolErrorNamesItsToolOnlyWhenTheGatewayKnowsTheToolExists() {
        McpEvent unknown = new McpEvent(ORIGIN, 0, "session", "1", "tools/call", "made_up", null, 1_000, -1, 0, 200, null,
                null, 10, 10, null, null, true, false, null, null, null, null, null);
        McpEvent known = new McpEvent(ORIGIN, 0, "session", "1", "tools/call", "listed", null, 1_000, -1, 0, 200, null,
                null, 10, 10, null, null, true, true, null, null, null, null, null);

        assertThat(labels.tool(unknown)).isEqualTo(LabelBounds.OTHER);
        assertThat(labels.tool(known)).isEqualTo("listed");
    }

    @Test
    void aNameOnlyTheDefaultAclJudgedIsNoEvidenceThatTheToolExists() {
        McpEvent byDefault = new McpEvent(ORIGIN, 0, "session", "1", "tools/call", "made_up", null, 1_000, -1, 0, 200, null,
                null, 10, 10, -32602, "refused", false, false, "deny", null, null, null, null);

        assertThat(labels.tool(byDefault)).isEqualTo(LabelBounds.OTHER);
    }

    @Test
    void mcpsOwnMethodsKeepTheirLabelsAfterAFloodOfAnsweredMadeUpMethodsFilledTheBound() {
        // a passthrough server that answers any method lets a client fill the bound with made-up ones first
        for (int i = 0; i < 2 * LabelBounds.MAX_METHODS; i++) {
            labels.method(event("1", "made/up-" + i, null, null, null));
        }

        assertThat(labels.method(event("1", "made/late", null, null, null))).isEqualTo(LabelBounds.OTHER);
        assertThat(labels.method(event("1", "tools/call", "t", -32603, null))).isEqualTo("tools/call");
        assertThat(labels.method(event("1", "initialize", null, -32602, null))).isEqualTo("initialize");
    }

    @Test
    void aFloodOfAnsweredToolNamesStopsAtTheBoundAndTheNamesAlreadyKeptStay() {
        labels.tool(event("1", "tools/call", "kept", null, null));
        for (int i = 0; i < 5 * LabelBounds.MAX_TOOLS; i++) {
            labels.tool(event("1", "tools/call", "flood-" + i, null, null));
        }

        assertThat(labels.tool(event("1", "tools/call", "late", null, null))).isEqualTo(LabelBounds.OTHER);
        assertThat(labels.tool(event("1", "tools/call", "kept", -32603, null))).isEqualTo("kept");
    }

    @Test
    void aNotificationNamesItsMethodOnlyWhenMcpDefinesIt() {
        assertThat(labels.method(event(null, "notifications/progress", null, null, null)))
                .isEqualTo("notifications/progress");
        assertThat(labels.method(event(null, "notifications/made-up", null, null, null))).isEqualTo(LabelBounds.OTHER);
        assertThat(labels.method(event(null, "x-" + "y".repeat(100), null, null, null))).isEqualTo(LabelBounds.OTHER);
    }

    @Test
    void aRequestTheServerAnsweredWithAnHttpErrorDoesNotNameItsMethod() {
        McpEvent refused = new McpEvent(ORIGIN, 0, "session", "1", "made/up-1", null, null, 1_000, -1, 0, 400, null, null, 10,
                10, null, "HTTP 400", false, false, null, null, null, null, null);

        assertThat(labels.method(refused)).isEqualTo(LabelBounds.OTHER);
    }

    @Test
    void aRequestNamesItsMethodOnlyWhenItWasAnsweredWithoutAJsonRpcError() {
        assertThat(labels.method(event("1", "made/up", null, -32601, null))).isEqualTo(LabelBounds.OTHER);
        assertThat(labels.method(event("1", "tools/list", null, null, null))).isEqualTo("tools/list");
    }

    @Test
    void aFreshGatewaysFailedRequestsWithMcpsOwnMethodsAreCountedUnderThoseMethodsFromTheFirstOn() {
        assertThat(labels.method(event("1", "tools/call", "made_up", -32603, null))).isEqualTo("tools/call");
        assertThat(labels.method(event("1", "initialize", null, -32602, null))).isEqualTo("initialize");
        assertThat(labels.method(event("1", "prompts/get", null, -32602, null))).isEqualTo("prompts/get");
        assertThat(labels.method(event("1", "server/discover", null, -32603, null))).isEqualTo("server/discover");
        assertThat(labels.method(event("1", "made/up", null, -32601, null))).isEqualTo(LabelBounds.OTHER);
    }
}
