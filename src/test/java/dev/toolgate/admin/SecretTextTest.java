package dev.toolgate.admin;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretTextTest {

    private final SecretText secrets = SecretText.of(Map.of(
            "abcd", "{vault://env/A}",
            "abcdef", "{vault://env/LONG}",
            "cdefgh", "{vault://env/C}",
            "xyz", "{vault://env/SHORT}",
            "tok-1", "${{ env \"DECK_T\" }}"));

    @Test
    void aTextThatIsASecretIsShownAsItsReferenceWhateverItsLength() {
        assertThat(secrets.shown("xyz")).isEqualTo("{vault://env/SHORT}");
        assertThat(secrets.shown("abcd")).isEqualTo("{vault://env/A}");
    }

    @Test
    void insideATextTheLeftmostSecretIsShownTheLongestOfThoseStartingThere() {
        assertThat(secrets.shown("Bearer abcdefgh")).isEqualTo("Bearer {vault://env/LONG}gh");
        assertThat(secrets.shown("xxcdefgh abcd.")).isEqualTo("xx{vault://env/C} {vault://env/A}.");
        assertThat(secrets.shown("a tok-1 and tok-1")).isEqualTo("a ${{ env \"DECK_T\" }} and ${{ env \"DECK_T\" }}");
    }

    @Test
    void secretsShorterThanFourCharactersAreNotLookedForInsideTextsAndATextWithoutSecretsIsUnchanged() {
        assertThat(secrets.shown("wxyz")).isNull();
        assertThat(secrets.shown("abc tok- ab cd")).isNull();
        assertThat(secrets.shown("")).isNull();
    }

    @Test
    void aSecretFieldIsWrittenAsItsReferencesOnlyWhenNothingButAnAuthorizationSchemeIsLeftBesideThem() {
        assertThat(secrets.written("xyz")).isEqualTo("{vault://env/SHORT}");
        assertThat(secrets.written("abcdtok-1")).isEqualTo("{vault://env/A}${{ env \"DECK_T\" }}");
        assertThat(secrets.written("Bearer abcdef")).isEqualTo("Bearer {vault://env/LONG}");
        assertThat(secrets.written("abcdefgh")).isNull();
        assertThat(secrets.written("literal abcd")).isNull();
        assertThat(secrets.written("Bearer literal")).isNull();
    }
}
