package dev.toolgate.mode.conversion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Request paths with {name} placeholders: parsed once, expanded with already-encoded values. */
class PathTemplateTest {

    @Test
    void parsesLiteralsAndPlaceholdersInOrder() {
        PathTemplate template = PathTemplate.parse("/users/{id}/orders/{orderId}.json");

        assertThat(template.parts()).containsExactly(new PathTemplate.Literal("/users/"),
                new PathTemplate.Placeholder("id"), new PathTemplate.Literal("/orders/"),
                new PathTemplate.Placeholder("orderId"), new PathTemplate.Literal(".json"));
        assertThat(template.placeholders()).containsExactly("id", "orderId");
        assertThat(template).hasToString("/users/{id}/orders/{orderId}.json");
    }

    @Test
    void pathWithoutPlaceholdersIsOneLiteral() {
        PathTemplate template = PathTemplate.parse("/users");

        assertThat(template.parts()).containsExactly(new PathTemplate.Literal("/users"));
        assertThat(template.placeholders()).isEmpty();
        assertThat(template.literalPrefix()).isEqualTo("/users");
    }

    @Test
    void literalPrefixIsTheTextBeforeTheFirstPlaceholder() {
        assertThat(PathTemplate.parse("/shop/{id}/x").literalPrefix()).isEqualTo("/shop/");
        assertThat(PathTemplate.parse("{tenant}/x").literalPrefix()).isEmpty();
        assertThat(PathTemplate.parse("").literalPrefix()).isEmpty();
    }

    @Test
    void placeholderNamedTwiceIsOnePlaceholderFilledTwice() {
        PathTemplate template = PathTemplate.parse("/{id}/copy/{id}");

        assertThat(template.placeholders()).containsExactly("id");
        assertThat(template.expand(Map.of("id", "7"))).isEqualTo("/7/copy/7");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            /users/{id            | '{' without '}' at position 7
            /users/id}            | '}' without '{' at position 9
            /users}/{id}          | '}' without '{' at position 6
            /users/{id}}          | '}' without '{' at position 11
            /users/{}             | bad placeholder '{}'
            /users/{a/b}          | bad placeholder '{a/b}'
            /users/{a{b}          | bad placeholder '{a{b}'
            """)
    void malformedTemplateIsRejectedNamingTheProblem(String template, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse(template)).withMessage(message);
    }

    @Test
    void expandInsertsEncodedValuesAsTheyAre() {
        PathTemplate template = PathTemplate.parse("/files/{dir}/{name}");

        assertThat(template.expand(Map.of("dir", "a%2Fb", "name", "r%C3%A9sum%C3%A9.pdf")))
                .isEqualTo("/files/a%2Fb/r%C3%A9sum%C3%A9.pdf");
    }

    @Test
    void missingValueExpandsToNothing() {
        assertThat(PathTemplate.parse("/users/{id}/orders").expand(Map.of())).isEqualTo("/users//orders");
    }

    @Test
    void partsAreImmutable() {
        PathTemplate template = new PathTemplate(new java.util.ArrayList<>(List.of(new PathTemplate.Literal("/a"))));

        assertThat(template.parts()).isUnmodifiable();
    }
}
