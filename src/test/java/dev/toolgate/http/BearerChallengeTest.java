package dev.toolgate.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code WWW-Authenticate: Bearer} values: quoted, escaped, and without the parameters that have no value. */
class BearerChallengeTest {

    @Test
    void parametersAreQuotedInOrderAndThoseWithoutValueLeftOut() {
        assertThat(BearerChallenge.of("error", "insufficient_scope", "scope", null, "resource_metadata", "https://g/m"))
                .isEqualTo("Bearer error=\"insufficient_scope\", resource_metadata=\"https://g/m\"");
    }

    @Test
    void aValueCannotCloseItsStringAndAddAParameter() {
        assertThat(BearerChallenge.of("error_description", "a\", scope=\"admin", "x", "back\\slash"))
                .isEqualTo("Bearer error_description=\"a\\\", scope=\\\"admin\", x=\"back\\\\slash\"");
    }

    @Test
    void noParametersIsTheBareScheme() {
        assertThat(BearerChallenge.of("scope", null)).isEqualTo("Bearer");
    }
}
