package dev.toolgate.policy.requesttransformer;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** request-transformer's config: rules the gateway cannot honour are problems at their paths. */
class RequestTransformerConfigTest {

    private static List<String> problems(String config) {
        return Configs.check("""
                _format_version: "3.0"
                plugins:
                  - name: request-transformer
                    config: %s
                """.formatted(config), Path.of(".")).problems();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {add: {headers: ["Content-Length:0"]}}                   | plugins[0].config.add.headers[0]
            {append: {headers: ["x-a:1", "Transfer-Encoding:chunked"]}} | plugins[0].config.append.headers[1]
            {replace: {headers: ["connection:Upgrade"]}}             | plugins[0].config.replace.headers[0]
            {add: {headers: ["Upgrade:websocket"]}}                  | plugins[0].config.add.headers[0]
            {add: {headers: ["Expect:100-continue"]}}                | plugins[0].config.add.headers[0]
            {rename: {headers: ["x-length:Content-Length"]}}         | plugins[0].config.rename.headers[0]
            """)
    void aHeaderRuleThatWouldFrameTheUpstreamRequestIsAProblemAtItsPath(String config, String path) {
        assertThat(problems(config)).anySatisfy(p -> assertThat(p).startsWith(path + ": would set a header that "
                + "frames the upstream request"));
    }

    @Test
    void theHostAndRulesThatTakeAFramingHeaderAwayStayAllowed() {
        assertThat(problems("{replace: {headers: [\"Host:api.internal\"]}, rename: {headers: [\"Content-Length:x-length\"]}, "
                + "remove: {headers: [Transfer-Encoding]}}")).isEmpty();
    }

    @Test
    void aRenameToSomethingThatIsNotAHeaderNameIsAProblemAtItsPathAndATemplateIsLeftToTheRequest() {
        assertThat(problems("{rename: {headers: [\"x-a:bad name\", \"x-b:x-c:d\", \"x-e:$(headers.x-f)\"]}}"))
                .containsExactly("plugins[0].config.rename.headers[0]: renames to \"bad name\", which is not a header "
                                + "name (letters, digits and !#$%&'*+-.^_`|~)",
                        "plugins[0].config.rename.headers[1]: renames to \"x-c:d\", which is not a header name "
                                + "(letters, digits and !#$%&'*+-.^_`|~)");
    }
}
