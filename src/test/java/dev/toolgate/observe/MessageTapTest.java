package dev.toolgate.observe;

import dev.toolgate.observe.TapEvent.Direction;
import dev.toolgate.observe.TapEvent.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class MessageTapTest {

    private final List<TapEvent> events = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private final MessageTap tap = new MessageTap(events::add, clock::get);

    private void observe(String session, long exchange, Direction direction, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        tap.observe("r", session, exchange, direction, bytes, 0, bytes.length);
    }

    @Test
    void aResponseCarriesTheMethodToolAndLatencyOfItsRequest() {
        long exchange = tap.exchange();
        observe("s", exchange, Direction.CLIENT_TO_SERVER,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{}}}");
        clock.addAndGet(2_500_000);
        observe("s", exchange, Direction.SERVER_TO_CLIENT,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[],\"isError\":true}}");

        TapEvent response = events.get(1);
        assertThat(response.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(response.method()).isEqualTo("tools/call");
        assertThat(response.tool()).isEqualTo("search");
        assertThat(response.toolError()).isTrue();
        assertThat(response.latencyMicros()).isEqualTo(2_500);
        assertThat(tap.pending()).isZero();
    }

    @Test
    void answersToABatchThatRepeatsAnIdForDifferentCallsCarryNoMethodToolOrLatencyRatherThanAnotherCallsOnes() {
        long exchange = tap.exchange();
        observe("s", exchange, Direction.CLIENT_TO_SERVER, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\"}}]");
        clock.addAndGet(2_500_000);
        // the server answers the call first: nothing in an answer but its id says which request it answers
        observe("s", exchange, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}");
        observe("s", exchange, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");

        assertThat(events.subList(2, 4)).allSatisfy(answer -> {
            assertThat(answer.kind()).isEqualTo(Kind.RESPONSE);
            assertThat(answer.method()).isNull();
            assertThat(answer.tool()).isNull();
            assertThat(answer.latencyMicros()).isEqualTo(-1);
        });
        assertThat(tap.pending()).isZero();
    }

    @Test
    void answersToABatchThatRepeatsAnIdForTheSameCallKeepItsMethodAndToolButNoLatency() {
        long exchange = tap.exchange();
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\"}}";
        observe("s", exchange, Direction.CLIENT_TO_SERVER, "[" + call + "," + call + "]");
        clock.addAndGet(2_500_000);
        observe("s", exchange, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}");
        observe("s", exchange, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}");

        assertThat(events.subList(2, 4)).allSatisfy(answer -> {
            assertThat(answer.method()).isEqualTo("tools/call");
            assertThat(answer.tool()).isEqualTo("search");
            assertThat(answer.latencyMicros()).isEqualTo(-1);
        });
        assertThat(tap.pending()).isZero();
    }

    @Test
    void clientsWithoutASessionReusingAnIdEachGetTheResponseFromTheirOwnExchange() {
        long first = tap.exchange();
        long second = tap.exchange();
        observe(null, first, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}");
        observe(null, second, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        observe(null, second, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
        observe(null, first, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}");

        assertThat(events.subList(2, 4)).extracting(TapEvent::method).containsExactly("tools/list", "tools/call");
        assertThat(tap.pending()).isZero();
    }

    @Test
    void aResponseOnAnotherExchangeIsPairedWithTheOldestRequestOfThatId() {
        // the client answers a server's request in a new POST
        observe("s", tap.exchange(), Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"sampling/createMessage\"}");
        observe("s", tap.exchange(), Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"result\":{}}");

        assertThat(events.get(1).method()).isEqualTo("sampling/createMessage");
        assertThat(events.get(1).id()).isEqualTo("\"q\"");
    }

    @Test
    void anErrorResponseWithANullIdIsAResponseWithItsCode() {
        observe(null, tap.exchange(), Direction.SERVER_TO_CLIENT,
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}");

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.RESPONSE);
            assertThat(e.errorCode()).isEqualTo(-32700);
            assertThat(e.method()).isNull();
        });
    }

    @Test
    void aResultWithANullIdOrAWrongVersionOrNoJsonIsInvalid() {
        observe(null, 1, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}");
        observe(null, 1, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}");
        observe(null, 1, Direction.CLIENT_TO_SERVER, "not json");

        assertThat(events).extracting(TapEvent::kind).containsOnly(Kind.INVALID).hasSize(3);
    }

    @Test
    void aBatchGivesOneEventPerMessageAndAnObjectIdDoesNotDerailTheRest() {
        observe("s", 1, Direction.CLIENT_TO_SERVER, "[{\"jsonrpc\":\"2.0\",\"id\":{\"x\":[1]},\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]");

        assertThat(events).extracting(TapEvent::method).containsExactly("ping", "notifications/initialized");
        assertThat(events.get(1).kind()).isEqualTo(Kind.NOTIFICATION);
    }

    @Test
    void requestsWhoseAnswersNeverCrossStayBoundedPerIdAndTheNewestStillPair() {
        // clients without a session all send id 1; an upstream answering with HTML error pages answers none
        for (int i = 0; i < 10_000; i++) {
            observe(null, tap.exchange(), Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        }
        long last = tap.exchange();
        observe(null, last, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        observe(null, last, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");

        assertThat(tap.pending()).isEqualTo(PendingRequests.MAX_PER_ID - 1);
        assertThat(events.getLast().method()).isEqualTo("tools/list");
    }

    @Test
    void pastTheLimitOfWaitingRequestsTheExpiredGoFirstThenThoseBeforeTheNewestHalf() {
        for (int i = 0; i < PendingRequests.MAX_WAITING; i++) {
            observe("s" + i, 1, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        }
        assertThat(tap.pending()).isEqualTo(PendingRequests.MAX_WAITING);

        clock.addAndGet(11L * 60 * 1_000_000_000);
        observe("fresh", 1, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(tap.pending()).as("every expired request gone").isOne();

        // a flood of requests nobody answers, none expired: the newest half of the bound still pairs
        for (int i = 1; i < PendingRequests.MAX_WAITING; i++) {
            observe("t" + i, 1, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        }
        observe("last", 1, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(tap.pending()).isEqualTo(PendingRequests.MAX_WAITING / 2 + 1);

        observe("t" + (PendingRequests.MAX_WAITING - 1), 1, Direction.SERVER_TO_CLIENT,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
        assertThat(events.getLast().method()).as("a recent request still pairs").isEqualTo("tools/list");
        observe("t1", 1, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
        assertThat(events.getLast().method()).as("one of the older half was let go").isNull();
    }

    @Test
    void answeredRequestsBetweenTheUnansweredDoNotShrinkTheHalfThatIsKept() {
        for (int i = 0; i < PendingRequests.MAX_WAITING; i++) {
            observe("s" + i, 1, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
            observe("answered", 1, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            observe("answered", 1, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");
        }
        observe("last", 1, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");

        assertThat(tap.pending()).isEqualTo(PendingRequests.MAX_WAITING / 2 + 1);
    }

    @Test
    void aRefusedBatchIsReportedMessageByMessageButLeavesNoRequestWaiting() {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(i).append(",\"method\":\"ping\"}");
        }
        byte[] bytes = batch.append(']').toString().getBytes(StandardCharsets.UTF_8);

        tap.observeRefused("r", "s", tap.exchange(), bytes, 0, bytes.length, null);

        assertThat(events).hasSize(500).extracting(TapEvent::kind).containsOnly(Kind.REQUEST);
        assertThat(tap.pending()).isZero();
    }

    @Test
    void forgettingAnExchangeTheGatewayAnsweredLeavesTheSameIdOfAnotherExchangeWaiting() {
        long other = tap.exchange();
        long refused = tap.exchange();
        observe(null, other, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        String call = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"denied\"}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]";
        observe(null, refused, Direction.CLIENT_TO_SERVER, call);
        assertThat(tap.pending()).isEqualTo(3);

        byte[] bytes = call.getBytes(StandardCharsets.UTF_8);
        tap.forget("r", null, refused, bytes, 0, bytes.length);
        assertThat(tap.pending()).isOne();

        observe(null, tap.exchange(), Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}");
        assertThat(events.getLast().method()).isEqualTo("tools/list");
        assertThat(tap.pending()).isZero();
    }

    @Test
    void aKilobytesLongSessionAndIdAreKeptAsAFewBytesAndStillPairTheirAnswer() {
        String session = "s".repeat(8 * 1024);
        String id = "\"" + "i".repeat(4 * 1024) + "\"";
        long exchange = tap.exchange();
        observe(session, exchange, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
        // the same session but for its last character: another client, whose answer must not pair
        observe(session.substring(1) + "t", tap.exchange(), Direction.SERVER_TO_CLIENT,
                "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
        assertThat(events.getLast().method()).isNull();

        observe(session, exchange, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");

        assertThat(events.getLast().method()).isEqualTo("ping");
        assertThat(tap.pending()).isZero();
        assertThat(PendingKeys.of("r", PendingKeys.session(session), Direction.CLIENT_TO_SERVER, id))
                .hasSizeLessThan(2 * PendingKeys.MAX_RAW);
    }

    @Test
    void aWaitingRequestKeepsNoMoreOfItsMethodAndToolNameThanAnEventShows() {
        // a passthrough client whose request is never answered (it hangs up) leaves it waiting for minutes: a
        // method or tool name as long as the body must not stay behind whole with each of a hundred thousand
        String method = "m".repeat(512 * 1024);
        String tool = "t".repeat(512 * 1024);
        long exchange = tap.exchange();
        observe("s", exchange, Direction.CLIENT_TO_SERVER, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"" + method
                + "\",\"params\":{\"name\":\"" + tool + "\"}}");

        observe("s", exchange, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}");

        TapEvent answer = events.getLast();
        assertThat(answer.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(answer.method()).hasSize(McpEvent.MAX_TEXT + 1).startsWith("mmm").endsWith("…");
        assertThat(answer.tool()).hasSize(McpEvent.MAX_TEXT + 1).startsWith("ttt").endsWith("…");
    }

    @Test
    void aServersErrorWithoutAnIdAnswersTheLoneRequestOfItsExchangeAndLeavesNothingWaiting() {
        long exchange = tap.exchange();
        String call = "{\"jsonrpc\":\"2.0\",\"id\":\"req-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}";
        List<dev.toolgate.mcp.McpEnvelope> sent = observed("made-up", exchange, call);
        clock.addAndGet(1_000_000);
        observe("made-up", exchange, Direction.SERVER_TO_CLIENT,
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Bad Request: No valid session ID provided\"}}");

        assertThat(events.getLast()).satisfies(answer -> {
            assertThat(answer.kind()).isEqualTo(Kind.RESPONSE);
            assertThat(answer.id()).isEqualTo("\"req-1\"");
            assertThat(answer.method()).isEqualTo("tools/call");
            assertThat(answer.tool()).isEqualTo("echo");
            assertThat(answer.errorCode()).isEqualTo(-32000);
            assertThat(answer.latencyMicros()).isEqualTo(1_000);
        });
        assertThat(tap.pending()).isZero();
        tap.settled("r", "made-up", exchange, sent, true);
        assertThat(tap.pending()).isZero();
    }

    @Test
    void aServersErrorWithoutAnIdAnswersNoRequestOfABatchNorOfAnotherExchange() {
        long batch = tap.exchange();
        observed(null, batch, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]");
        observe(null, batch, Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"no\"}}");
        long lone = tap.exchange();
        observed(null, lone, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
        observe(null, tap.exchange(), Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"no\"}}");

        assertThat(events.stream().filter(e -> e.direction() == Direction.SERVER_TO_CLIENT))
                .extracting(TapEvent::kind).containsOnly(Kind.INVALID).hasSize(2);
        assertThat(tap.pending()).isEqualTo(3);
    }

    @Test
    void theRequestsAJsonAnswerLeftUnansweredStopWaitingWhenItEndsButAStreamsMayStillBeAnsweredElsewhere() {
        long json = tap.exchange();
        List<dev.toolgate.mcp.McpEnvelope> answeredInJson = observed("s", json,
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]");
        observe("s", json, Direction.SERVER_TO_CLIENT, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}]");
        long stream = tap.exchange();
        List<dev.toolgate.mcp.McpEnvelope> answeredInStream = observed("s", stream,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
        assertThat(tap.pending()).isEqualTo(2);

        tap.settled("r", "s", json, answeredInJson, true);
        tap.settled("r", "s", stream, answeredInStream, false);
        assertThat(tap.pending()).as("the stream's request, which a resumed stream may still answer").isOne();
        observe("s", tap.exchange(), Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"tools\":[]}}");
        assertThat(events.getLast().method()).isEqualTo("tools/list");
        assertThat(tap.pending()).isZero();
    }

    @Test
    void requestsWaitingPastTheTtlGoOnTheTimerWellBelowTheBound() {
        observed("s", tap.exchange(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        clock.addAndGet(Duration.ofMinutes(9).toNanos());
        observed("s", tap.exchange(), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        clock.addAndGet(Duration.ofMinutes(2).toNanos());

        tap.expire();
        assertThat(tap.pending()).isOne();
        observe("s", tap.exchange(), Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");
        assertThat(events.getLast().method()).isEqualTo("ping");
    }

    private List<dev.toolgate.mcp.McpEnvelope> observed(String session, long exchange, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return tap.observe("r", session, exchange, Direction.CLIENT_TO_SERVER, bytes, 0, bytes.length, null);
    }
}
