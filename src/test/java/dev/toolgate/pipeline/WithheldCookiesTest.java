package dev.toolgate.pipeline;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The cookies taken out of what goes upstream because a policy reads a credential from them. */
class WithheldCookiesTest {

    private static final WithheldCookies TOKEN = WithheldCookies.of(List.of("token"));

    @Test
    void aPairHidingAWithheldCookieAfterASpaceOrCommaIsTakenOutWhole() {
        assertThat(TOKEN.less(List.of("a=1; theme=x token=forged; b=2"))).isEqualTo("a=1; b=2");
        assertThat(TOKEN.less(List.of("theme=x,token =forged; b=2"))).isEqualTo("b=2");
        assertThat(TOKEN.less(List.of("theme=x\u00a0token=forged"))).as("Python reads NBSP as a space").isEmpty();
    }

    @Test
    void spacesAndCommasBeforeAnotherNameLeaveThePairAsSent() {
        assertThat(TOKEN.less(List.of("theme=x tokens=1; b=a,b; c=x token"))).isNull();
    }

    @Test
    void aNameWithPercentEscapesIsComparedDecodedAsRackAndOlderPhpReadIt() {
        WithheldCookies token = WithheldCookies.of(List.of("token"));
        assertThat(token.withholds("%74oken")).isTrue();
        assertThat(token.withholds("to%6Ben")).isTrue();
        assertThat(token.withholds("TOKEN%5B%5D")).as("decoded, then an entry of $_COOKIE['token']").isTrue();
        assertThat(token.withholds("%zzoken")).as("no escape: as written").isFalse();
        assertThat(token.withholds("token%")).as("a lone %").isFalse();
        assertThat(token.withholds("%74okens")).isFalse();
        assertThat(WithheldCookies.of(List.of("my_token")).withholds("my+token")).as("+ is a space to urldecode").isTrue();
    }

    @Test
    void namesAreComparedAsPhpRegistersThem() {
        WithheldCookies php = WithheldCookies.of(List.of("My_Token"));
        assertThat(php.withholds("my.token")).isTrue();
        assertThat(php.withholds("my[token")).isTrue();
        assertThat(php.withholds("my_token[0]")).isTrue();
        assertThat(php.withholds("my_token ")).as("trimmed, as Node and Python read it").isTrue();
        assertThat(php.withholds("my_tokens")).isFalse();
        assertThat(php.withholds("my[token]")).as("an entry of $_COOKIE['my']").isFalse();
        assertThat(WithheldCookies.of(List.of("my.token")).withholds("MY_TOKEN")).isTrue();
    }

    @Test
    void aLongHeaderOfSeparatorsIsReadInLinearTime() {
        String header = "a=" + " ,".repeat(32 * 1024) + "token" + " ".repeat(32 * 1024) + "b=1";
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertThat(TOKEN.less(List.of(header))).isNull());
        assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertThat(TOKEN.less(List.of(header.replace("b=1", "=1")))).isEmpty());
    }
}
