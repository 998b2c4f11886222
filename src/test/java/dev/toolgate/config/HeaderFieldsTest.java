package dev.toolgate.config;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plugin's {@code headers} map is checked when the document is read: a header the HTTP client could never send
 * is a problem at its path, and no problem quotes the value (it is a token) nor a refused name.
 */
class HeaderFieldsTest {

    private static final String VALUE_PROBLEM = "may not contain a line break, NUL or other control character (tab "
            + "aside): the header could not be sent (the value is not shown)";
    private static final String NAME_PROBLEM = "the name of entry 2 is not a header name (letters, digits and "
            + "!#$%&'*+-.^_`|~ only; it is not shown, as it may hold a credential)";

    /** A plugin entry of each kind with {@code headers}, as YAML flow; %s is the headers map. */
    private static final List<String> PLUGINS = List.of(
            "{name: http-log, config: {http_endpoint: 'http://logs:9000/in', headers: %s}}",
            "{name: opentelemetry, config: {traces_endpoint: 'http://otel:4318/v1/traces', headers: %s}}",
            "{name: ai-mcp-oauth2, config: {resource: 'https://api.example.com/mcp', authorization_servers: "
                    + "['https://auth.example.com'], introspection_endpoint: 'https://auth.example.com/introspect', "
                    + "client_id: gateway, client_secret: secret, headers: %s}}");

    private static Stream<Arguments> everyPlugin(String... values) {
        return PLUGINS.stream().flatMap(plugin -> Stream.of(values).map(value -> Arguments.of(
                plugin.substring(7, plugin.indexOf(',')), plugin, value)));
    }

    static Stream<Arguments> unsendableValues() {
        return everyPlugin("\"SECRET8\\r\\nX-Other: y\"", "\"SECRET8\\nfoo\"", "\"SECRET8\\u0000\"",
                "\"SECRET8\\u007f\"");
    }

    static Stream<Arguments> unsendableNames() {
        return everyPlugin("'X Bad(Name)'", "'Authorization: Bearer SECRET8'", "''", "\"X-Token\\n\"");
    }

    static Stream<Arguments> sendableValues() {
        return everyPlugin("\"Bearer a\\tb\"", "'Bearer é ü'", "' padded '", "42");
    }

    private static Configs.Checked check(String plugin, String headers) {
        return Configs.check("""
                _format_version: "3.0"
                plugins:
                  - %s
                """.formatted(plugin.formatted(headers)), Path.of("").toAbsolutePath());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("unsendableValues")
    void aHeaderValueWithALineBreakNulOrOtherControlIsAProblemAtItsPathThatDoesNotQuoteIt(String kind, String plugin,
                                                                                         String value) {
        Configs.Checked checked = check(plugin, "{X-Team: shop, X-Token: " + value + "}");

        assertThat(checked.problems()).containsExactly("plugins[0].config.headers.X-Token: " + VALUE_PROBLEM);
        assertThat(String.join("\n", checked.problems())).doesNotContain("SECRET8");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("unsendableNames")
    void aHeaderNameThatIsNotAnHttpTokenIsAProblemThatQuotesNeitherItNorItsValue(String kind, String plugin,
                                                                                String name) {
        Configs.Checked checked = check(plugin, "{X-Team: shop, " + name + ": SECRET8}");

        assertThat(checked.problems()).containsExactly("plugins[0].config.headers: " + NAME_PROBLEM);
        assertThat(String.join("\n", checked.problems())).doesNotContain("SECRET8", "Bad(Name)");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("sendableValues")
    void aHeaderValueWithATabOrTextBeyondAsciiIsAccepted(String kind, String plugin, String value) {
        Configs.Checked checked = check(plugin, "{X-Token: " + value + "}");

        assertThat(checked.problems()).isEmpty();
    }
}
