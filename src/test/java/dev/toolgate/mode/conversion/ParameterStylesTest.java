package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Query serialization as the OpenAPI 3.1 style examples give it (§4.8.12.4, the color R=100 G=200 B=150). */
class ParameterStylesTest {

    private static final JsonNode COLOR = parse("{\"R\": 100, \"G\": 200, \"B\": 150}");
    private static final JsonNode BLUE_BLACK = parse("[\"blue\", \"black\", \"brown\"]");

    @Test
    void anObjectNotExplodedIsJoinedWithItsStylesDelimiter() {
        assertThat(query("form", false, COLOR)).isEqualTo("color=R,100,G,200,B,150");
        assertThat(query("spaceDelimited", false, COLOR)).isEqualTo("color=R%20100%20G%20200%20B%20150");
        assertThat(query("pipeDelimited", false, COLOR)).isEqualTo("color=R%7C100%7CG%7C200%7CB%7C150");
    }

    @Test
    void anArrayNotExplodedIsJoinedWithItsStylesDelimiter() {
        assertThat(query("form", false, BLUE_BLACK)).isEqualTo("color=blue,black,brown");
        assertThat(query("spaceDelimited", false, BLUE_BLACK)).isEqualTo("color=blue%20black%20brown");
        assertThat(query("pipeDelimited", false, BLUE_BLACK)).isEqualTo("color=blue%7Cblack%7Cbrown");
    }

    @Test
    void anExplodedFormObjectIsOnePairPerProperty() {
        assertThat(query("form", true, COLOR)).isEqualTo("R=100&G=200&B=150");
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String query(String style, boolean explode, JsonNode value) {
        EncodedText query = new EncodedText(8192, "the query");
        ParameterStyles.appendQuery(query, new ParameterSpec("color", "query", false, null, Json.object(), style, explode), value);
        return query.toString();
    }
}
