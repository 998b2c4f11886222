package dev.toolgate.mode.acl;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACL counters of a passthrough route with Kong's tool ACLs (the how-to's file, in front of the Java
 * SDK's MCP server): decisions on tools the configuration names are counted under their names; names a
 * client makes up, which only the default ACL judges, are counted too, but under one shared label, so
 * that they cannot take the places the real tools' series need.
 */
@Timeout(60)
class PassthroughAclMetricsIT {

    private JavaSdkServer server;
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void madeUpToolNamesTheDefaultAclDeniesAreCountedWithoutBecomingToolLabels() {
        server = JavaSdkServer.start();
        gateway = TestGateway.start(KongHowTos.passthroughAcls(server.mcp().toString()).replace("plugins:\n  - name: key-auth",
                "plugins:\n  - name: prometheus\n    config: {ai_metrics: true}\n  - name: key-auth"));
        // eason is in no group: the default ACL (developers and admins) denies him every name it judges
        McpHttp eason = new McpHttp(gateway.proxy("/mcp"), KongHowTos.apiKey("eason"));
        eason.initialize("2025-06-18");
        for (int i = 0; i < 20; i++) {
            McpHttp.Response refused = eason.post("{\"jsonrpc\":\"2.0\",\"id\":" + (i + 1) + ",\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"made_up_" + i + "\",\"arguments\":{}}}");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        }
        // list_users has its own ACL, which allows eason by name: the server decides what the call gets
        eason.post("{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"tools/call\",\"params\":{\"name\":\"list_users\",\"arguments\":{}}}");

        List<String> acl = new AdminHttp(gateway).get("/metrics").body().lines()
                .filter(l -> l.startsWith("kong_ai_mcp_acl_")).toList();
        assertThat(acl).noneMatch(l -> l.contains("made_up_"));
        assertThat(acl).anyMatch(l -> l.startsWith("kong_ai_mcp_acl_denied_total{")
                && l.contains("primitive_name=\"(other)\"") && l.endsWith(" 20.0"));
        assertThat(acl).anyMatch(l -> l.startsWith("kong_ai_mcp_acl_allowed_total{")
                && l.contains("primitive_name=\"list_users\""));
    }
}
