package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.TraceIds;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetaTraceContextTest {

    private static final String CLIENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String GATEWAYS = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b8-01";

    private static RpcRecord traced(JsonNode id, String metaTraceparent, String state) {
        TraceIds ids = new TraceIds(0x0af7651916cd43ddL, 0x8448eb211c80319cL, 0xb7ad6b7169203331L, 0x00f067aa0ba902b7L,
                0x00f067aa0ba902b8L, true, state, null);
        RpcRecord record = new RpcRecord(null, id, id == null ? null : Json.idText(id), "tools/call", null, null, -1, ids);
        record.metaTraceparent = metaTraceparent;
        return record;
    }

    private static String written(String body, RpcRecord... records) {
        return MetaTraceContext.written(Buffer.buffer(body), List.of(records)).toString();
    }

    @Test
    void onlyTheTraceparentAndTracestateOfParamsMetaChangeAndEveryOtherByteStaysAsSent() {
        String body = """
                {"jsonrpc":"2.0", "id":7,"method":"tools/call","params":{"name":"x","arguments":{"n":1.50},
                 "_meta":{"progressToken":"p", "traceparent":"%s" ,"tracestate":"congo=a","x/y":[1e3,null]}},"extra":{}}"""
                .formatted(CLIENT);

        assertThat(written(body, traced(IntNode.valueOf(7), CLIENT, "congo=a")))
                .isEqualTo(body.replace(CLIENT, GATEWAYS));
    }

    @Test
    void eachElementOfABatchGetsItsOwnMessagesTraceAndOneWithoutParamsMetaIsLeftAsItIs() {
        String other = "00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        String body = """
                [{"jsonrpc":"2.0","id":"a","method":"ping"},
                 {"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"_meta":{"traceparent":"%s"}}},
                 {"jsonrpc":"2.0","method":"notifications/progress","params":{"_meta":{"traceparent":"%s"}}}]"""
                .formatted(CLIENT, other);
        TraceIds own = new TraceIds(0x1af7651916cd43ddL, 0x8448eb211c80319cL, 1, 2, 0x0000000000000abcL, false, null, null);
        RpcRecord ownTrace = new RpcRecord(null, null, null, "notifications/progress", null, null, -1, own);
        ownTrace.metaTraceparent = other;

        String result = written(body, traced(TextNode.valueOf("a"), CLIENT, null), ownTrace);

        assertThat(result).isEqualTo(body.replace(CLIENT, GATEWAYS)
                .replace(other, "00-1af7651916cd43dd8448eb211c80319c-0000000000000abc-00"));
    }

    @Test
    void theTracestateIsAddedWhenTheTraceHasOneAndRemovedWithItsCommaWhenItHasNone() {
        String without = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"_meta\":{\"traceparent\":\""
                + CLIENT + "\"}}}";
        assertThat(written(without, traced(IntNode.valueOf(1), CLIENT, "rojo=1")))
                .isEqualTo(without.replace("\"" + CLIENT + "\"", "\"" + GATEWAYS + "\",\"tracestate\":\"rojo=1\""));

        String last = "{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + CLIENT + "\" , \"tracestate\":\"bad\"}}}";
        assertThat(written(last, traced(IntNode.valueOf(1), CLIENT, null))).as("the blank before the comma stays")
                .isEqualTo("{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + GATEWAYS + "\" }}}");
        String first = "{\"id\":1,\"params\":{\"_meta\":{\"tracestate\":{\"odd\":1}, \"traceparent\":\"" + CLIENT + "\"}}}";
        assertThat(written(first, traced(IntNode.valueOf(1), CLIENT, null)))
                .isEqualTo("{\"id\":1,\"params\":{\"_meta\":{ \"traceparent\":\"" + GATEWAYS + "\"}}}");
    }

    @Test
    void aRepeatedTraceparentLeavesOnlyTheGatewaysSoAServerThatReadsTheFirstDoesNotSeeTheClientsSpan() {
        String earlier = "00-0af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01";
        String body = "{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + earlier + "\", \"progressToken\":\"p\","
                + "\"traceparent\":7,\"traceparent\":\"" + CLIENT + "\"}}}";

        assertThat(written(body, traced(IntNode.valueOf(1), CLIENT, "rojo=1"))).isEqualTo(
                "{\"id\":1,\"params\":{\"_meta\":{ \"progressToken\":\"p\",\"traceparent\":\"" + GATEWAYS
                        + "\",\"tracestate\":\"rojo=1\"}}}");
        String last = "{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + CLIENT + "\",\"traceparent\":null}}}";
        assertThat(written(last, traced(IntNode.valueOf(1), CLIENT, "rojo=1"))).as("added where the one removed began")
                .isEqualTo("{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + GATEWAYS + "\",\"tracestate\":\"rojo=1\"}}}");
    }

    @Test
    void aRepeatedTracestateLeavesOnlyTheTracesOneOrNoneWhenTheTraceHasNone() {
        String body = "{\"id\":1,\"params\":{\"_meta\":{\"tracestate\":\"c=1\",\"traceparent\":\"" + CLIENT + "\","
                + "\"x\":[1],\"tracestate\":\"c=2\" , \"tracestate\":{\"c\":3}}}}";

        assertThat(written(body, traced(IntNode.valueOf(1), CLIENT, "rojo=1"))).isEqualTo(
                "{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + GATEWAYS + "\",\"x\":[1], "
                        + "\"tracestate\":\"rojo=1\"}}}");
        assertThat(written(body, traced(IntNode.valueOf(1), CLIENT, null)))
                .isEqualTo("{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + GATEWAYS + "\",\"x\":[1]}}}");
    }

    @Test
    void aRepeatedMetaHasEachCopyGivenTheGatewaysContextSoAServerThatReadsTheFirstDoesNotSeeTheClientsSpan() throws Exception {
        String earlier = "00-0af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01";
        String body = "{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + earlier + "\",\"tracestate\":\"c=1\","
                + "\"progressToken\":\"p\"}, \"name\":\"x\",\"_meta\":{\"tracestate\":\"c=2\",\"k\":1},"
                + "\"_meta\":null,\"_meta\":{\"traceparent\":\"" + CLIENT + "\"}}}";

        assertThat(written(body, traced(IntNode.valueOf(1), CLIENT, "rojo=1"))).isEqualTo(
                "{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + GATEWAYS + "\",\"tracestate\":\"rojo=1\","
                        + "\"progressToken\":\"p\"}, \"name\":\"x\",\"_meta\":{\"k\":1},"
                        + "\"_meta\":null,\"_meta\":{\"traceparent\":\"" + GATEWAYS + "\",\"tracestate\":\"rojo=1\"}}}");
        assertThat(Json.parse(written(body, traced(IntNode.valueOf(1), CLIENT, null))).path("params").path("_meta")
                .path("traceparent").asText()).as("still JSON, the last _meta read as sent after the rewrite")
                .isEqualTo(GATEWAYS);
    }

    @Test
    void aMessageWhoseLastMetaIsNotTheTracedOneIsForwardedAsItCame() {
        String body = "{\"id\":1,\"params\":{\"_meta\":{\"traceparent\":\"" + CLIENT + "\"},\"_meta\":{}}}";
        Buffer sent = Buffer.buffer(body);

        assertThat(MetaTraceContext.written(sent, List.of(traced(IntNode.valueOf(1), CLIENT, null)))).isSameAs(sent);
    }

    @Test
    void aMessageNoTracedRecordMatchesIsForwardedAsItCame() {
        String body = "{\"id\":2,\"params\":{\"_meta\":{\"traceparent\":\"" + CLIENT + "\"}}}";
        Buffer sent = Buffer.buffer(body);

        assertThat(MetaTraceContext.written(sent, List.of(traced(IntNode.valueOf(3), CLIENT, null)))).isSameAs(sent);
        assertThat(MetaTraceContext.written(sent, List.of(traced(IntNode.valueOf(2), "00-other", null)))).isSameAs(sent);
        assertThat(MetaTraceContext.written(sent, List.of())).isSameAs(sent);
    }
}
