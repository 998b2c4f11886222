package dev.toolgate.policy.acl;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kong's {@code acl} plugin in front of passthrough routes: allow and deny lists over the consumers'
 * ACL groups (and consumer groups with {@code include_consumer_groups}), {@code X-Consumer-Groups}
 * for the upstream unless {@code hide_groups_header}, and Kong's answers: 403 "You cannot consume
 * this service" for a caller it refuses, 401 when nobody identified the caller. After each refusal
 * the next good request is served.
 */
@Timeout(60)
class AclPluginIT {

    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp
                    url: %s/mcp
                    plugins:
                      - name: ai-mcp-proxy
                        config: {mode: passthrough-listener}
                    routes:
                      - name: allow
                        paths: [/allow]
                        plugins:
                          - {name: key-auth}
                          - {name: acl, config: {allow: [admins]}}
                      - name: deny
                        paths: [/deny]
                        plugins:
                          - {name: key-auth}
                          - {name: acl, config: {deny: [blocked]}}
                      - name: hidden
                        paths: [/hidden]
                        plugins:
                          - {name: key-auth}
                          - {name: acl, config: {allow: [admins], hide_groups_header: true}}
                      - name: groups
                        paths: [/groups]
                        plugins:
                          - {name: key-auth}
                          - {name: acl, config: {allow: [gold], include_consumer_groups: true}}
                      - name: groups-off
                        paths: [/groups-off]
                        plugins:
                          - {name: key-auth}
                          - {name: acl, config: {allow: [gold]}}
                      - name: anonymous-guest
                        paths: [/anonymous-guest]
                        plugins:
                          - {name: key-auth, config: {anonymous: guest}}
                          - {name: acl, config: {allow: [admins]}}
                      - name: anonymous-stranger
                        paths: [/anonymous-stranger]
                        plugins:
                          - {name: key-auth, config: {anonymous: stranger}}
                          - {name: acl, config: {allow: [admins]}}
                      - name: anonymous-stranger-groups
                        paths: [/anonymous-stranger-groups]
                        plugins:
                          - {name: key-auth, config: {anonymous: stranger}}
                          - {name: acl, config: {allow: [gold], include_consumer_groups: true}}
                      - name: nobody-authenticates
                        paths: [/unauthenticated]
                        plugins:
                          - {name: acl, config: {allow: [admins]}}
                consumer_groups:
                  - name: gold
                consumers:
                  - {username: ann, acls: [{group: admins}, {group: staff}], keyauth_credentials: [{key: ann-key}]}
                  - {username: dan, acls: [{group: blocked}], keyauth_credentials: [{key: dan-key}]}
                  - {username: gus, groups: [{name: gold}], keyauth_credentials: [{key: gus-key}]}
                  - {username: guest, acls: [{group: guests}]}
                  - {username: stranger}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void forget() {
        upstream.clear();
    }

    @Test
    void anAllowListLetsItsGroupsThroughWithTheirGroupsAndRefusesEveryoneElse() throws InterruptedException {
        assertThat(ping("/allow", "ann-key", Map.of("X-Consumer-Groups", "forged")).status()).isEqualTo(200);
        RestUpstream.Received passed = upstream.next();
        assertThat(passed.header("x-consumer-groups")).isEqualTo("admins, staff");
        assertThat(passed.header("x-consumer-username")).isEqualTo("ann");

        assertRefused(ping("/allow", "dan-key"), 403, "You cannot consume this service");
        assertThat(upstream.quiet(Duration.ofMillis(100))).isTrue();
        assertThat(ping("/allow", "ann-key").status()).isEqualTo(200);
    }

    @Test
    void aDenyListRefusesItsGroupsAndLetsEveryoneElseThrough() {
        assertRefused(ping("/deny", "dan-key"), 403, "You cannot consume this service");
        assertThat(ping("/deny", "ann-key").status()).isEqualTo(200);
        // a consumer with no groups at all is in no denied group
        assertThat(ping("/deny", "gus-key").status()).isEqualTo(200);
    }

    @Test
    void hideGroupsHeaderKeepsTheGroupsFromTheUpstreamAndAClientCannotForgeThem() {
        assertThat(ping("/hidden", "ann-key", Map.of("X-Consumer-Groups", "admins")).status()).isEqualTo(200);
        RestUpstream.Received passed = upstream.next();
        assertThat(passed.headers().contains("x-consumer-groups")).isFalse();
        assertThat(passed.header("x-consumer-username")).isEqualTo("ann");
    }

    @Test
    void consumerGroupsCountOnlyWithIncludeConsumerGroups() {
        assertThat(ping("/groups", "gus-key").status()).isEqualTo(200);
        assertThat(upstream.next().header("x-consumer-groups")).isEqualTo("gold");
        assertRefused(ping("/groups-off", "gus-key"), 403, "You cannot consume this service");
        assertThat(ping("/groups", "gus-key").status()).isEqualTo(200);
    }

    @Test
    void theAnonymousConsumerIsRefusedLikeAnyConsumerAndAskedToAuthenticateWhenItHasNoGroups() {
        // Kong: the anonymous consumer is looked up like any other; one with groups outside the list is refused
        McpHttp.Response guest = ping("/anonymous-guest", null);
        assertRefused(guest, 403, "You cannot consume this service");
        // one with no groups at all and no credential is asked to authenticate
        assertRefused(ping("/anonymous-stranger", null), 401, "Unauthorized");
        assertThat(ping("/anonymous-guest", "ann-key").status()).isEqualTo(200);
    }

    @Test
    void withIncludeConsumerGroupsTheAnonymousConsumerWithoutGroupsIsRefusedNotAskedToAuthenticateAsInKong() {
        // Kong merges the consumer groups into the consumer's ACL groups, which leaves a list (an empty one)
        // where its 401 branch looks for none: the anonymous consumer is then refused like any consumer
        assertRefused(ping("/anonymous-stranger-groups", null), 403, "You cannot consume this service");
        assertThat(ping("/anonymous-stranger-groups", "gus-key").status()).isEqualTo(200);
    }

    @Test
    void withoutAnyAuthenticationTheAclAsksForCredentials() {
        McpHttp.Response refused = ping("/unauthenticated", null);
        assertRefused(refused, 401, "Unauthorized");
        assertThat(refused.header("www-authenticate")).isNull();
        assertThat(ping("/allow", "ann-key").status()).isEqualTo(200);
    }

    static void assertRefused(McpHttp.Response response, int status, String message) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.json().path("error").path("message").asText()).isEqualTo(message);
    }

    static McpHttp.Response ping(String path, String key) {
        return ping(path, key, Map.of());
    }

    static McpHttp.Response ping(String path, String key, Map<String, String> headers) {
        Map<String, String> sent = new LinkedHashMap<>(headers);
        sent.put("content-type", "application/json");
        sent.put("accept", McpHttp.ACCEPT_BOTH);
        if (key != null) {
            sent.put("apikey", key);
        }
        return new McpHttp(gateway.proxy(path)).send("POST", PING, sent);
    }
}
