package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The work a tool schema's backtracking {@code pattern} may do is bounded per HTTP request, not per call: a
 * 2025-03-26 batch of 100 calls, each with a value that makes {@code ^(x+x+)+y$} backtrack past the budget
 * (450 {@code x}s: Java's engine spends about n³/3 reads on them), holds its event loop about as long as one
 * such call, and the calls past the budget say why they failed.
 */
@Timeout(60)
class PatternBudgetBatchIT {

    static final String BACKTRACKING = "{\"path_id\":\"a1\",\"query_code\":\"" + "x".repeat(450) + "\"}";

    static BadInputGateway fixture;

    @BeforeAll
    static void start() {
        fixture = new BadInputGateway();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static McpHttp session() {
        return session("/mcp");
    }

    private static McpHttp session(String route) {
        McpHttp mcp = new McpHttp(fixture.gateway.proxy(route));
        mcp.initialize("2025-03-26");
        return mcp;
    }

    private static String call(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_item\","
                + "\"arguments\":" + BACKTRACKING + "}}";
    }

    @Test
    void aBatchOfBacktrackingCallsSpendsOneBudgetAndTheCallsPastItSayTheyShareIt() {
        McpHttp mcp = session();
        // one such call alone, twice (the first warms the path up): what one budget takes here
        mcp.post(call(0));
        long started = System.nanoTime();
        JsonNode alone = mcp.post(call(0)).json();
        long oneBudgetMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(alone.at("/result/content/0/text").asText())
                .contains("took too long to match a pattern of the schema; send a shorter one");

        StringJoiner batch = new StringJoiner(",", "[", "]");
        for (int i = 1; i <= 100; i++) {
            batch.add(call(i));
        }
        started = System.nanoTime();
        McpHttp.Response response = mcp.post(batch.toString());
        long batchMs = (System.nanoTime() - started) / 1_000_000;

        assertSpentOnce(response);
        System.out.printf("PATTERN BUDGET one call %d ms, a batch of 100 %d ms%n", oneBudgetMs, batchMs);
        assertThat(batchMs).as("a batch of 100 against one call's %d ms", oneBudgetMs)
                .isLessThan(1_000 + 10 * oneBudgetMs);
        fixture.assertServes();
    }

    @Test
    void aBatchLargeEnoughToBeCheckedOffTheEventLoopStillSpendsOneBudget() {
        // a route that takes requests of a MiB
        McpHttp mcp = session("/roomy");
        StringJoiner batch = new StringJoiner(",", "[", "]");
        for (int i = 1; i <= 100; i++) {
            batch.add(call(i));
        }
        // blanks between the calls: the same calls in a request past 128 KiB, whose arguments are checked off the loop
        String padded = batch.toString().replace("},{\"jsonrpc\"", "}," + " ".repeat(1_500) + "{\"jsonrpc\"");
        assertThat(padded.length()).isGreaterThan(128 * 1024);

        assertSpentOnce(mcp.post(padded));
        fixture.assertServes();
    }

    /** One call spent the request's budget, and the 99 others said they shared it. */
    private static void assertSpentOnce(McpHttp.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode answers = response.json();
        assertThat(answers.size()).isEqualTo(100);
        int alonePast = 0;
        int shared = 0;
        for (JsonNode answer : answers) {
            assertThat(answer.at("/result/isError").asBoolean()).as("%s", answer).isTrue();
            String text = answer.at("/result/content/0/text").asText();
            assertThat(text).startsWith("Invalid arguments for tool get_item");
            if (text.contains("the calls of one request (a batch) share the time for this, and earlier ones used it "
                    + "up; send this call on its own")) {
                shared++;
            } else if (text.contains("took too long to match a pattern of the schema; send a shorter one")) {
                alonePast++;
            }
        }
        assertThat(alonePast).as("the call that spent the budget").isEqualTo(1);
        assertThat(shared).as("the calls after it").isEqualTo(99);
    }
}
