package dev.toolgate.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pairs of a client's {@code Cookie} header, however oddly it is written. */
class CookiePairTest {

    @Test
    void pairsAreReadInOrderWithOrWithoutTheSpaceAfterTheSemicolon() {
        assertThat(CookiePair.of("theme=dark; token=abc;lang=fr")).containsExactly(
                new CookiePair("theme", "dark"), new CookiePair("token", "abc"), new CookiePair("lang", "fr"));
    }

    @Test
    void everyHeaderIsReadAsHttp2SendsEachCookieInItsOwn() {
        assertThat(CookiePair.of(List.of("a=1", "b=2; c=3"))).extracting(CookiePair::name)
                .containsExactly("a", "b", "c");
        assertThat(CookiePair.of(List.of())).isEmpty();
    }

    @Test
    void emptyPairsAndBlankHeadersAreNoCookies() {
        assertThat(CookiePair.of("a=1;;b=2; ;")).containsExactly(new CookiePair("a", "1"), new CookiePair("b", "2"));
        assertThat(CookiePair.of("")).isEmpty();
        assertThat(CookiePair.of(" ; ;; ")).isEmpty();
        assertThat(CookiePair.of((String) null)).isEmpty();
    }

    @Test
    void theSpacesAroundAPairAreNotItsOwnButThoseAroundItsEqualsSignAre() {
        // nginx's $cookie_a does not read "a =1" as a: the name is what precedes the =, as written
        assertThat(CookiePair.of("  a=1 ;\tb =2;c= 3  ")).containsExactly(
                new CookiePair("a", "1"), new CookiePair("b ", "2"), new CookiePair("c", " 3"));
        assertThat(CookiePair.of("b =2").getFirst().text()).isEqualTo("b =2");
    }

    @Test
    void aPairWithoutAnEqualsSignIsANameWithoutAValue() {
        CookiePair bare = CookiePair.of("flag").getFirst();
        assertThat(bare).isEqualTo(new CookiePair("flag", null));
        assertThat(bare.hasValue()).isFalse();
        assertThat(bare.unquoted()).isEmpty();
        assertThat(bare.text()).isEqualTo("flag");

        CookiePair empty = CookiePair.of("a=").getFirst();
        assertThat(empty.hasValue()).isTrue();
        assertThat(empty.value()).isEmpty();
        assertThat(empty.text()).isEqualTo("a=");
    }

    @Test
    void theFirstEqualsSignEndsTheNameAndAnEmptyNameIsKept() {
        assertThat(CookiePair.of("a=b=c; =x")).containsExactly(new CookiePair("a", "b=c"), new CookiePair("", "x"));
    }

    @Test
    void quotesAroundAValueStayInItAndUnquotedTakesThemOff() {
        CookiePair quoted = CookiePair.of("token=\"abc\"").getFirst();
        assertThat(quoted.value()).isEqualTo("\"abc\"");
        assertThat(quoted.unquoted()).isEqualTo("abc");
        assertThat(quoted.text()).isEqualTo("token=\"abc\"");
        assertThat(CookiePair.of("a=\"\"").getFirst().unquoted()).isEmpty();
        assertThat(CookiePair.of("a=\"").getFirst().unquoted()).as("one quote is no pair of them").isEqualTo("\"");
        assertThat(CookiePair.of("a=\"x").getFirst().unquoted()).isEqualTo("\"x");
    }

    @Test
    void repeatedNamesAreAllThereInTheOrderSent() {
        assertThat(CookiePair.of("a=1; A=2; a=3")).containsExactly(
                new CookiePair("a", "1"), new CookiePair("A", "2"), new CookiePair("a", "3"));
    }

    @Test
    void aHeaderOf64KibIsReadWhole() {
        StringBuilder header = new StringBuilder();
        for (int i = 0; header.length() < 64 * 1024; i++) {
            header.append("c").append(i).append("=v").append(i).append("; ");
        }
        List<CookiePair> pairs = CookiePair.of(header.toString());
        assertThat(pairs.getLast().text()).isEqualTo("c" + (pairs.size() - 1) + "=v" + (pairs.size() - 1));

        String value = "x".repeat(64 * 1024);
        assertThat(CookiePair.of("big=" + value + "; after=1")).containsExactly(
                new CookiePair("big", value), new CookiePair("after", "1"));
    }
}
