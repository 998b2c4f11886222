package dev.toolgate.http;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardedHeadersTest {

    /** Two {@code Connection} lines are one list (RFC 9110 §5.3): a header either names is hop-by-hop. */
    private static MultiMap twoConnectionLines() {
        return MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "keep-alive")
                .add("Connection", "X-Internal-Token, close")
                .add("X-Internal-Token", "s3cr3t")
                .add("X-Kept", "yes");
    }

    @Test
    void aHeaderNamedOnASecondConnectionLineDoesNotReachAToolCallsUpstream() {
        MultiMap upstream = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForToolCall(twoConnectionLines(), upstream, Set.of());
        assertThat(upstream.contains("x-internal-token")).isFalse();
        assertThat(upstream.get("x-kept")).isEqualTo("yes");
    }

    @Test
    void aHeaderNamedOnASecondConnectionLineDoesNotReachAPassthroughUpstream() {
        MultiMap upstream = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForProxy(twoConnectionLines(), upstream, Set.of(), null);
        assertThat(upstream.contains("x-internal-token")).isFalse();
        assertThat(upstream.get("x-kept")).isEqualTo("yes");
    }

    @Test
    void aResponseHeaderNamedOnASecondConnectionLineDoesNotReachTheClient() {
        MultiMap client = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyResponse(twoConnectionLines(), client);
        assertThat(client.contains("x-internal-token")).isFalse();
        assertThat(client.get("x-kept")).isEqualTo("yes");
    }

    @Test
    void aClientsOwnXAuthenticatedHeaderOfAnyNameReachesNoUpstream() {
        MultiMap client = MultiMap.caseInsensitiveMultiMap()
                .add("X-Authenticated-Email", "admin@example.com")
                .add("X-Authenticated-Userid", "admin")
                .add("X-Kept", "yes");
        MultiMap toolCall = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForToolCall(client, toolCall, Set.of());
        MultiMap proxied = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForProxy(client, proxied, Set.of(), null);
        for (MultiMap upstream : java.util.List.of(toolCall, proxied)) {
            assertThat(upstream.names()).containsExactly("X-Kept");
        }
    }

    @Test
    void aClientsUnderscoreTwinOfAHeaderTheGatewaySetIsDroppedAndTheGatewaysValueStays() {
        MultiMap client = MultiMap.caseInsensitiveMultiMap()
                .add("X_Tenant", "other-tenant")
                .add("X_Kept", "yes");
        MultiMap upstream = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForProxy(client, upstream, Set.of(), null);
        upstream.set("X-Tenant", "acme");
        ForwardedHeaders.dropClientTwins(upstream, Set.of("x-tenant"));
        assertThat(upstream.names()).containsExactlyInAnyOrder("X-Tenant", "X_Kept");
        assertThat(upstream.get("x-tenant")).isEqualTo("acme");
    }

    @Test
    void anUnderscoreHeaderAPluginReplacedIsTheGatewaysAndTheClientsDashedTwinGoesInstead() {
        MultiMap client = MultiMap.caseInsensitiveMultiMap()
                .add("X_Tenant", "other-tenant")
                .add("X-Tenant", "another");
        MultiMap upstream = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForProxy(client, upstream, Set.of(), null);
        upstream.set("X_Tenant", "acme");
        ForwardedHeaders.dropClientTwins(upstream, Set.of("x_tenant"));
        assertThat(upstream.names()).containsExactly("X_Tenant");
        assertThat(upstream.get("x_tenant")).isEqualTo("acme");
    }

    @Test
    void anUnderscoreHeaderTheGatewaySetToTheClientsOwnValueIsStillTheGatewaysAndTheClientsDashedTwinGoes() {
        // a request-transformer replace (or a fixed header) X_Tenant: acme; the client sent acme there too
        MultiMap client = MultiMap.caseInsensitiveMultiMap()
                .add("X_Tenant", "acme")
                .add("X-Tenant", "beta");
        MultiMap upstream = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForProxy(client, upstream, Set.of(), null);
        upstream.set("X_Tenant", "acme");
        ForwardedHeaders.dropClientTwins(upstream, Set.of("x_tenant"));
        assertThat(upstream.names()).containsExactly("X_Tenant");
        assertThat(upstream.get("x_tenant")).isEqualTo("acme");
    }

    @Test
    void betweenTwoOfTheClientsOwnSpellingsTheUnderscoreOneGoes() {
        MultiMap upstream = MultiMap.caseInsensitiveMultiMap()
                .add("X_Tenant", "acme")
                .add("X-Tenant", "beta");
        ForwardedHeaders.dropClientTwins(upstream, Set.of());
        assertThat(upstream.names()).containsExactly("X-Tenant");
    }

    @Test
    void aClientsDashedTwinOfAnUnderscoreHeaderTheGatewayConsumedReachesNoUpstream() {
        // claim_to_header X_User_Id: a CGI/WSGI server reads the client's X-User-Id as the claim
        MultiMap client = MultiMap.caseInsensitiveMultiMap()
                .add("X_User_Id", "alice")
                .add("X-User-Id", "bob")
                .add("X-Kept", "yes");
        MultiMap toolCall = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForToolCall(client, toolCall, Set.of("x_user_id"));
        MultiMap proxied = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyForProxy(client, proxied, Set.of("x_user_id"), null);
        for (MultiMap upstream : java.util.List.of(toolCall, proxied)) {
            assertThat(upstream.names()).containsExactly("X-Kept");
        }
    }
}
