package dev.toolgate.admin;

import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /<kind>/{id or name}} with a name a path must percent-encode, as Kong looks it up: the segment is
 * decoded as UTF-8 (after the path is split on its raw {@code /}, so {@code %2F} stays inside the name), and a
 * segment that is not percent-encoded UTF-8 is a 400 saying so.
 */
@Timeout(30)
class AdminEntityNamesIT {

    static TestGateway gateway;
    static AdminHttp admin;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                _format_version: "3.0"
                consumers:
                  - username: "john doe"
                  - username: "café"
                  - username: "a/b"
                  - username: "50%"
                  - username: "plain"
                """);
        admin = new AdminHttp(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"john%20doe | john doe", "caf%C3%A9 | café", "caf%c3%a9 | café",
            "a%2Fb | a/b", "a%2fb | a/b", "50%25 | 50%", "pl%61in | plain", "plain | plain"})
    void aConsumerIsFoundByItsPercentEncodedUsername(String segment, String username) {
        AdminHttp.Response found = admin.get("/consumers/" + segment);

        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        assertThat(found.json().get("username").asText()).isEqualTo(username);
        String id = found.json().get("id").asText();
        assertThat(admin.get("/consumers/" + id).json().get("username").asText()).isEqualTo(username);
    }

    @Test
    void anEncodedNameThatNoEntityHasIs404AndARawSlashIsNoPartOfAName() {
        assertThat(admin.get("/consumers/john%20do").status()).isEqualTo(404);
        assertThat(admin.get("/consumers/a/b").status()).isEqualTo(404);
    }

    @Test
    void aStrayPercentSignIs400NamingTheFix() throws Exception {
        RawHttp.Response refused = raw("/consumers/50%");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(Json.parse(refused.body()).get("message").asText())
                .isEqualTo("Bad Request: the id or name in the path is not percent-encoded UTF-8 (write a '%' as %25)");
    }

    private static RawHttp.Response raw(String path) {
        return RawHttp.exchange(gateway.admin("/"), "GET " + path + " HTTP/1.1\r\nHost: "
                + gateway.admin("/").getAuthority() + "\r\nConnection: close\r\n", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/consumers/50%", "/consumers/50%2", "/consumers/50%zz", "/plugins/%%41", "/consumers/caf%C3",
            "/services/%FF", "/routes/%C0%AF"})
    void aSegmentThatIsNotPercentEncodedUtf8Is400SayingSo(String path) throws Exception {
        RawHttp.Response refused = raw(path);

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        // a stray or cut escape is the listings'; bytes that are not UTF-8 are refused before, as on every path
        assertThat(Json.parse(refused.body()).get("message").asText()).startsWith("Bad Request: ").contains("UTF-8");
    }
}
