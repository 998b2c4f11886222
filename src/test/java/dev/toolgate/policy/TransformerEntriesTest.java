package dev.toolgate.policy;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A malformed {@code name:value} entry of request-transformer or response-transformer is reported by its path,
 * never its text: the value is often a credential, and problems reach the log and the answer
 * to {@code POST /config}.
 */
class TransformerEntriesTest {

    private static final String DOCUMENT = """
            _format_version: "3.0"
            services:
              - name: api
                url: http://127.0.0.1:9
                routes:
                  - name: r
                    paths: [/r]
            plugins:
              - name: request-transformer
                config:
                  add:
                    headers: ["X-Source:toolgate", "Authorization=Bearer sk-live-secret-1", "sk-live-pasted-2",
                              ":sk-live-nameless-3", "X-Api-Key:Bearer $(sk-live-unclosed-4", "c2stbGl2ZS1iYXNlNjQ==",
                              "sk-live-slashed/8/K7MDENG"]
                  replace:
                    querystring: ["api_key sk-live-secret-5"]
                  append:
                    headers: ["X-Api-Key:Bearer $(sk-live-unsupported-7)"]
              - name: response-transformer
                config:
                  append:
                    json: ["token=sk-live-secret-6"]
            """;

    private static List<String> problems() {
        return Configs.check(DOCUMENT, Path.of(".")).problems();
    }

    @Test
    void aMalformedEntryIsNamedByItsPathAlone() {
        // no part of it can be told safe to quote: "Authorization=Bearer ..." as well as a pasted key
        String noColon = ": has no ':' between a name and a value; write name:value";
        assertThat(problems()).contains(
                "plugins[0].config.add.headers[1]" + noColon,
                "plugins[0].config.add.headers[2]" + noColon,
                "plugins[0].config.add.headers[5]" + noColon,
                "plugins[0].config.add.headers[6]" + noColon,
                "plugins[0].config.replace.querystring[0]" + noColon,
                "plugins[1].config.append.json[0]" + noColon,
                "plugins[0].config.add.headers[3]: has no name before its ':'; write name:value");
    }

    @Test
    void aBadTemplateIsPlacedNotQuoted() {
        assertThat(problems()).contains(
                "plugins[0].config.add.headers[4]: the template at character 8 of the value has no closing )",
                "plugins[0].config.append.headers[0]: the template at character 8 of the value is not supported: "
                        + "Toolgate evaluates $(headers.NAME), $(query_params.NAME) and $(uri_captures.NAME), "
                        + "optionally with or \"default\"");
    }

    @Test
    void noProblemQuotesAnEntrysValue() {
        assertThat(problems()).hasSize(9).allSatisfy(problem -> assertThat(problem).doesNotContain("sk-live")
                .doesNotContain("c2stbGl2ZS1iYXNlNjQ").doesNotContain("K7MDENG"));
    }

    @Test
    void responseTransformerRulesThatWouldSetTheAnswersFramingAreWarnedAsIgnoredAtTheirPaths() {
        List<String> warnings = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/r]
                plugins:
                  - name: response-transformer
                    config:
                      remove: {headers: [Content-Length]}
                      rename: {headers: ["x-length:content-length", "content-length:x-length"]}
                      replace: {headers: ["Content-Length:3"]}
                      add: {headers: ["x-via:toolgate", "Transfer-Encoding:chunked"]}
                      append: {headers: ["TRANSFER-ENCODING:gzip"]}
                """, Path.of(".")).warnings();

        String ignored = ": the gateway sets the answer's framing (Content-Length, Transfer-Encoding); this rule is ignored";
        assertThat(warnings).containsExactlyInAnyOrder(
                "plugins[0].config.rename.headers[0]" + ignored,
                "plugins[0].config.replace.headers[0]" + ignored,
                "plugins[0].config.add.headers[1]" + ignored,
                "plugins[0].config.append.headers[0]" + ignored);
    }

    @Test
    void aBodyRuleOfAnyKindOnAPassthroughRouteIsAProblemAtTheRuleEvenAnAdd() {
        // an added top-level field fails the official TypeScript SDK server's strict message schemas (400)
        List<String> problems = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: mcp
                    url: http://127.0.0.1:9
                    routes:
                      - name: pass
                        paths: [/pass]
                        plugins:
                          - name: request-transformer
                            config:
                              add: {headers: ["x-via:toolgate"], body: ["tenant:acme"]}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """, Path.of(".")).problems();

        // named at the transformer's rule, where the fix is, not at ai-mcp-proxy's mode
        assertThat(problems).containsExactly("services[0].routes[0].plugins[0].config.add.body: route 'pass' is a "
                + "passthrough-listener: request-transformer's body rules would rewrite JSON-RPC messages (an MCP server "
                + "refuses a message with a field it does not know); on a passthrough route no body rule may apply");
    }

    @Test
    void aResponseJsonRuleOnAPassthroughRouteIsAProblemAtTheRule() {
        List<String> problems = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: mcp
                    url: http://127.0.0.1:9
                    routes:
                      - name: pass
                        paths: [/pass]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                plugins:
                  - name: response-transformer
                    config:
                      remove: {json: [result]}
                      add: {headers: ["x-via:toolgate"]}
                """, Path.of(".")).problems();

        assertThat(problems).containsExactly("plugins[0].config.remove.json: route 'pass' is a passthrough-listener: "
                + "response-transformer's json rules would rewrite JSON-RPC messages; on a passthrough route only its "
                + "header rules may apply");
    }

    @Test
    void aHeaderRuleWhoseNameIsNoHeaderNameIsAProblemAtItsPathWithoutItsValue() {
        List<String> problems = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/r]
                plugins:
                  - name: request-transformer
                    config:
                      add: {headers: ["X-Ok:1", "X-Api-Key :sk-live-spaced-1"]}
                      replace: {headers: ["X Api Key:sk-live-spaced-2"]}
                      append: {headers: ["X-Api-Key(1):sk-live-paren-3"]}
                  - name: response-transformer
                    config:
                      rename: {headers: ["x-old:x new"]}
                      replace: {headers: ["X-Frame-Options :DENY"]}
                      add: {headers: ["X-Frame-Options : DENY", "Strict-Transport-Security:max-age=1"]}
                      append: {headers: ["X-Token\u00e9:sk-live-accented-4"]}
                """, Path.of(".")).problems();

        String names = ": names something that is not a header name (letters, digits and !#$%&'*+-.^_`|~, no space before the ':')";
        assertThat(problems).containsExactlyInAnyOrder(
                "plugins[0].config.add.headers[1]" + names,
                "plugins[0].config.replace.headers[0]" + names,
                "plugins[0].config.append.headers[0]" + names,
                "plugins[1].config.rename.headers[0]: renames to something that is not a header name (letters, digits and "
                        + "!#$%&'*+-.^_`|~, no space before the ':')",
                "plugins[1].config.replace.headers[0]" + names,
                "plugins[1].config.add.headers[0]" + names,
                "plugins[1].config.append.headers[0]" + names);
        assertThat(problems).allSatisfy(problem -> assertThat(problem).doesNotContain("sk-live").doesNotContain("DENY"));
    }
}
