package dev.toolgate.http;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query a proxied request takes upstream, and how credentials are read from it: both with
 * Kong's rules ({@code &} separates, names are exact after percent-decoding), so what is read as a
 * key is exactly what is removed.
 */
class UpstreamQueryTest {

    @Test
    void consumedArgumentsAreRemovedAndEverythingElseKeptAsSent() {
        assertThat(UpstreamQuery.without("a=1&apikey=k&b=%C3%BC&c", Set.of("apikey"))).isEqualTo("a=1&b=%C3%BC&c");
        assertThat(UpstreamQuery.without("apikey=k&apikey=j", Set.of("apikey"))).isNull();
        assertThat(UpstreamQuery.without("api%6Bey=k&x=1", Set.of("apikey"))).isEqualTo("x=1");
        assertThat(UpstreamQuery.without("a=1", Set.of())).isEqualTo("a=1");
        assertThat(UpstreamQuery.without(null, Set.of("apikey"))).isNull();
    }

    @Test
    void valuesAreReadWithTheSameRulesAsTheyAreRemoved() {
        assertThat(UpstreamQuery.values("a=1&apikey=k%2Bv&apikey=j", "apikey")).containsExactly("k+v", "j");
        assertThat(UpstreamQuery.values("api%6Bey=k", "apikey")).containsExactly("k");
        assertThat(UpstreamQuery.values("apikey&apikey=", "apikey")).containsExactly("", "");
        assertThat(UpstreamQuery.values("a=%zz&apikey=%zz", "apikey")).containsExactly("%zz");
        assertThat(UpstreamQuery.values(null, "apikey")).isEmpty();
    }

    @Test
    void namesAreExactAndSemicolonsSeparateNothing() {
        assertThat(UpstreamQuery.values("APIKEY=k", "apikey")).isEmpty();
        assertThat(UpstreamQuery.values("x=1;apikey=k", "apikey")).isEmpty();
        assertThat(UpstreamQuery.values("x=1;apikey=k", "x")).containsExactly("1;apikey=k");
        assertThat(UpstreamQuery.without("x=1;apikey=k", Set.of("apikey"))).isEqualTo("x=1;apikey=k");
    }
}
