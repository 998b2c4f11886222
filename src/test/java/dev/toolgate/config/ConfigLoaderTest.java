package dev.toolgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Whole-document rules: parsing, the format version, unsupported entities, and reporting everything at once. */
class ConfigLoaderTest {

    @Test
    void missingFormatVersionIsReported() {
        var loaded = load("""
                services: []
                """);

        assertThat(loaded.problems()).containsExactly("_format_version: is required");
    }

    @Test
    void aYamlAliasIsRefusedAtItsLineNotReadAsItsAnchorsName() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: vendor-bot
                    acls: [{group: &vendors external-vendors}]
                plugins:
                  - name: acl
                    config: {deny: [*vendors]}
                """);

        assertThat(loaded.problems()).singleElement().asString().startsWith("not valid YAML: line 7")
                .contains("a YAML alias (*name) is not supported");
    }

    @Test
    void formatVersionOtherThanThreeIsReported() {
        var loaded = load("""
                _format_version: "2.1"
                """);

        assertThat(loaded.problems())
                .containsExactly("_format_version: must be \"3.0\" (Kong 3.x declarative format), got \"2.1\"");
    }

    @Test
    void unquotedFormatVersionIsANumberAndReportedAsSuch() {
        var loaded = load("""
                _format_version: 3.0
                """);

        assertThat(loaded.problems()).containsExactly("_format_version: must be a string, got number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"upstreams", "certificates", "ca_certificates", "snis", "vaults", "keys", "key_sets",
            "partials", "filter_chains", "licenses", "workspaces"})
    void unsupportedTopLevelEntitiesAreReported(String entity) {
        var loaded = load("""
                _format_version: "3.0"
                %s:
                  - name: one
                """.formatted(entity));

        assertThat(loaded.problems()).containsExactly(entity + ": is not supported by Toolgate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\n", "# only a comment\n"})
    void emptyDocumentIsReported(String document) {
        var loaded = load(document);

        assertThat(loaded.config()).isNull();
        assertThat(loaded.problems()).containsExactly("the document is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "- services\n- routes\n", "just text\n"})
    void documentThatIsNotAMappingIsReported(String document) {
        var loaded = load(document);

        assertThat(loaded.config()).isNull();
        assertThat(loaded.problems())
                .containsExactly("the document must be a mapping with _format_version, services, routes, ...");
    }

    @Test
    void invalidYamlIsReportedWithLineAndColumn() {
        var loaded = load("""
                _format_version: "3.0"
                services: [shop
                """);

        assertThat(loaded.config()).isNull();
        assertThat(loaded.problems()).singleElement().asString()
                .startsWith("not valid YAML: line 2, column 16: expected ',' or ']', but got <stream end> (while parsing a flow sequence)");
    }

    @Test
    void invalidJsonIsReportedWithLineAndColumn() {
        var loaded = load("""
                {"_format_version": "3.0",
                 "services": [}
                """);

        assertThat(loaded.config()).isNull();
        assertThat(loaded.problems()).singleElement().asString()
                .startsWith("not valid JSON: line 2, column 15: Unexpected close marker '}': expected ']'");
    }

    @Test
    void aComplexYamlKeyIsReportedInWordsNotAsTheParsersEvent() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - ? [a, b]
                    : c
                """);

        assertThat(loaded.problems()).singleElement().asString()
                .isEqualTo("not valid YAML: line 3, column 8: a key must be plain text; complex keys (? [...] or ? {...}) are not supported")
                .doesNotContain("snakeyaml", "Event");
    }

    @Test
    void duplicateYamlKeyIsReportedWithItsPosition() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    name: store
                    url: http://api.internal
                """);

        assertThat(loaded.problems()).containsExactly("not valid YAML: line 4, column 9: Duplicate field 'name'");
    }

    @Test
    void duplicateJsonKeyIsReportedWithItsPosition() {
        var loaded = load("""
                {"_format_version": "3.0",
                 "_format_version": "3.0"}
                """);

        assertThat(loaded.problems())
                .containsExactly("not valid JSON: line 2, column 19: Duplicate field '_format_version'");
    }

    @Test
    void jsonDocumentIsReadLikeYaml() {
        var loaded = load("""
                {"_format_version": "3.0",
                 "services": [{"name": "shop", "url": "http://api.internal",
                               "routes": [{"name": "r", "paths": ["/shop"]}]}]}
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().routes()).extracting(Route::name).containsExactly("r");
    }

    @Test
    void everyProblemOfADocumentIsReportedAtOnce() {
        var loaded = load("""
                _format_version: "3.0"
                upstreams: [{name: u}]
                services:
                  - name: shop
                    url: ftp://api.internal
                    retires: 3
                    routes:
                      - name: r
                        paths: [shop]
                        methods: [get]
                  - name: shop
                    url: http://other.internal
                consumers:
                  - tags: [nobody]
                """);

        assertThat(loaded.problems()).containsExactlyInAnyOrder(
                "upstreams: is not supported by Toolgate",
                "services[0].url: must be an http:// or https:// URL",
                "services[0].retires: unknown key",
                "services[0].routes[0].paths[0]: must start with / (a prefix) or ~ (a regex)",
                "services[0].routes[0].methods[0]: must be an upper-case HTTP method",
                "services[1].name: service name 'shop' is already used by services[0]",
                "consumers[0]: needs a username or a custom_id");
    }

    @Test
    void hashIsTheFirst32HexCharactersOfTheSha256OfTheBytesAsWritten() {
        byte[] document = "_format_version: \"3.0\"\n".getBytes(StandardCharsets.UTF_8);

        assertThat(ConfigLoader.hash(document)).hasSize(32).matches("[0-9a-f]{32}")
                .isEqualTo(ConfigLoader.hash(document.clone()))
                .isNotEqualTo(ConfigLoader.hash("_format_version: '3.0'\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(load("_format_version: \"3.0\"\n").config().hash()).isEqualTo(ConfigLoader.hash(document));
    }
}
