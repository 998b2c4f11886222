package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arguments a call is sent with: Kong's names taken as the tool's, cookie parameters filled from the
 * client's cookies, and the client's own object left as it came (its log reads it).
 */
class CallArgumentsTest {

    @TempDir
    Path baseDirectory;

    private Tool tool() {
        Configs.Checked checked = Configs.check(ToolCompilerTest.document(ArgumentPlacesTest.ROUTE, """
                - description: d
                  method: POST
                  path: /shop/orders
                  parameters:
                    - {name: "filter[status]", in: query, schema: {type: string}}
                    - {name: session, in: cookie, schema: {type: string}}
                  request_body:
                    content:
                      application/json:
                        schema: {type: object}
                """), baseDirectory);
        assertThat(checked.problems()).isEmpty();
        return checked.snapshot().toolSets().values().iterator().next().tools().getFirst();
    }

    private static RequestEncoder.Client clientWithCookies(String cookie) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (cookie != null) {
            headers.add("cookie", cookie);
        }
        return new RequestEncoder.Client(headers, "127.0.0.1", "127.0.0.1", "gateway.example", 8000, Set.of(), null,
                Set.of());
    }

    @Test
    void anArgumentUnderKongsNameIsSentUnderTheToolsAndTheClientsObjectIsLeftAsItCame() {
        ObjectNode sent = Json.object().put("query_filter[status]", "open");
        sent.putObject("body").put("note", "kept");
        String before = sent.toString();

        ObjectNode args = CallArguments.of(tool(), sent, clientWithCookies(null));

        assertThat(args.path("query_filter_status_").asText()).isEqualTo("open");
        assertThat(args.has("query_filter[status]")).isFalse();
        assertThat(sent.toString()).isEqualTo(before);
        // what lies below the top level is shared, not copied: nothing writes it
        assertThat(args.get("body")).isSameAs(sent.get("body"));
    }

    @Test
    void aCookieParameterTheCallLeftOutIsFilledFromTheClientsCookiesWithoutChangingItsArguments() {
        ObjectNode sent = Json.object();
        sent.putObject("body");

        ObjectNode args = CallArguments.of(tool(), sent, clientWithCookies("theme=dark; session=abc"));

        assertThat(args.path("cookie_session").asText()).isEqualTo("abc");
        assertThat(sent.has("cookie_session")).isFalse();
    }

    @Test
    void argumentsThatNeedNothingAddedAreSentAsTheyCame() {
        ObjectNode sent = Json.object().put("query_filter_status_", "open").put("cookie_session", "mine");

        assertThat(CallArguments.of(tool(), sent, clientWithCookies("session=other"))).isSameAs(sent);
    }

    @Test
    void noArgumentsAreAnEmptyObject() {
        assertThat(CallArguments.of(tool(), null, clientWithCookies(null))).isEqualTo(Json.object());
    }
}
