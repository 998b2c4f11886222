package dev.toolgate.mode.passthrough;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a passthrough route refuses itself (a batch over the limit, a tool call its ACL denies) is
 * observed but never forwarded, so none of its requests may stay waiting in the tap for an answer the
 * server will never send: Kong's ACL how-to in front of the marketplace server, with bob's session,
 * leaves nothing waiting after each refusal, and his next allowed call is still paired with its answer.
 */
@Timeout(60)
class PassthroughRefusalsIT {

    static JavaSdkServer marketplace;
    static TestGateway gateway;
    static McpHttp bob;
    static CapturedLog log;

    @BeforeAll
    static void start() {
        marketplace = JavaSdkServer.withTools(JavaSdkServer.MARKETPLACE);
        gateway = TestGateway.start(KongHowTos.passthroughAcls(marketplace.mcp().toString()));
        bob = new McpHttp(gateway.proxy("/mcp"), KongHowTos.apiKey("bob"));
        assertThat(bob.initialize("2025-11-25").status()).isEqualTo(200);
        log = CapturedLog.of("dev.toolgate.traffic", Level.DEBUG);
    }

    @AfterAll
    static void stop() {
        if (log != null) {
            log.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (marketplace != null) {
            marketplace.close();
        }
    }

    @Test
    void aRefusedBatchAndADeniedCallLeaveNothingWaitingAndTheNextCallIsStillPairedWithItsAnswer() {
        awaitNothingWaiting();
        StringBuilder batch = new StringBuilder("[");
        int messages = 20 * JsonBody.MAX_BATCH_MESSAGES;
        for (int i = 0; i < messages; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(i)
                    .append(",\"method\":\"ping\"}");
        }
        McpHttp.Response tooLarge = bob.post(batch.append(']').toString());
        assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(400);
        assertThat(gateway.gateway().waitingRequests()).as("after a refused batch").isZero();

        McpHttp.Response denied = bob.post("[{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"list_users\",\"arguments\":{}}},{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}]");
        assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
        assertThat(gateway.gateway().waitingRequests()).as("after a denied call").isZero();
        assertThat(marketplace.calls()).as("nothing refused reached the server").isEmpty();

        int logged = log.size();
        assertThat(bob.call("get_user", "{\"id\":\"u-1\"}").path("content").get(0).path("text").asText())
                .isEqualTo("get_user: {id=u-1}");
        awaitNothingWaiting();
        List<String> lines = lines(logged);
        assertThat(lines).as("the answer carries its request's method and tool")
                .anyMatch(l -> l.contains("kind=RESPONSE method=tools/call") && l.contains("tool=get_user"));
    }

    private static void awaitNothingWaiting() {
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().waitingRequests() == 0);
    }

    private static List<String> lines(int from) {
        return log.since(from).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
