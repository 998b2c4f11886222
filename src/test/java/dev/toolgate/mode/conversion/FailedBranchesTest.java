package dev.toolgate.mode.conversion;

import com.networknt.schema.Error;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subschema evaluated only to learn whether it passes stops at its first error: what each keyword accepts and
 * refuses is unchanged, and a failing branch of many errors costs one.
 */
class FailedBranchesTest {

    private static CompiledSchema schema(String json) throws Exception {
        return CompiledSchema.now(ToolSchemas.compileOrThrow(Json.parse(json)));
    }

    private static boolean accepts(CompiledSchema schema, String value) throws Exception {
        return schema.validate(Json.parse(value)).isEmpty();
    }

    /** {@code count} copies of {@code item}, comma-separated, in an array. */
    private static String array(String item, int count) {
        return "[" + (item + ",").repeat(count - 1) + item + "]";
    }

    @Test
    void aFailingAnyOfOfManyErrorsBuildsAboutOnePerBranchAndListsEachBranchsFirst() throws Exception {
        CompiledSchema schema = schema("{\"anyOf\":[{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "{\"type\":\"string\"}]}");

        List<Error> errors = schema.validate(Json.parse(array("0", 480_000)));

        assertThat(FirstErrors.handed(errors)).as("errors the validation built").isLessThanOrEqualTo(FirstErrors.LISTED);
        assertThat(errors).extracting(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .containsExactly("/0: integer found, string expected", ": array found, string expected");
    }

    @Test
    void anyOfAcceptsAValueOneBranchAcceptsWhateverTheOthersFindAndRefusesOneNoneAccepts() throws Exception {
        CompiledSchema schema = schema("{\"anyOf\":[{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}]}");

        assertThat(accepts(schema, array("0", 1_000))).isTrue();
        assertThat(accepts(schema, array("\"a\"", 1_000))).isTrue();
        assertThat(accepts(schema, "[\"a\"," + array("0", 1_000).substring(1))).isFalse();
    }

    @Test
    void oneOfAcceptsAValueExactlyOneBranchAcceptsAndRefusesOneTwoOrNoneAccept() throws Exception {
        CompiledSchema schema = schema("{\"oneOf\":[{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
                + "{\"type\":\"array\",\"items\":{\"minimum\":0}}]}");

        assertThat(accepts(schema, array("-1", 1_000))).as("integers, one negative: the first only").isTrue();
        assertThat(accepts(schema, array("1.5", 1_000))).as("fractions: the second only").isTrue();
        assertThat(accepts(schema, array("1", 1_000))).as("both").isFalse();
        assertThat(accepts(schema, array("-1.5", 1_000))).as("neither").isFalse();
    }

    @Test
    void notAcceptsAValueItsSubschemaRefusesAtAnyErrorAndRefusesOneItAccepts() throws Exception {
        CompiledSchema schema = schema("{\"not\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}");

        assertThat(accepts(schema, array("0", 1_000))).isTrue();
        assertThat(accepts(schema, "[\"a\",\"b\",0]")).as("one error, at the end").isTrue();
        assertThat(accepts(schema, array("\"a\"", 1_000))).isFalse();
    }

    @Test
    void ifAppliesThenWhenItsSubschemaAcceptsAndElseWhenItRefuses() throws Exception {
        CompiledSchema schema = schema("{\"if\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "\"then\":{\"maxItems\":2},\"else\":{\"minItems\":3}}");

        assertThat(accepts(schema, "[\"a\",\"b\"]")).isTrue();
        assertThat(accepts(schema, "[\"a\",\"b\",\"c\"]")).as("then: at most 2").isFalse();
        assertThat(accepts(schema, array("0", 1_000))).as("else: at least 3").isTrue();
        assertThat(accepts(schema, "[0,1]")).as("else: at least 3").isFalse();
    }

    @Test
    void containsCountsTheItemsItsSubschemaAcceptsWhateverTheOthersFind() throws Exception {
        CompiledSchema schema = schema("{\"type\":\"array\",\"contains\":{\"type\":\"object\",\"required\":[\"id\"],"
                + "\"properties\":{\"id\":{\"type\":\"string\"}}},\"minContains\":2,\"maxContains\":3}");
        String wrong = "{\"id\":5,\"name\":7}";
        String right = "{\"id\":\"a\"}";

        assertThat(accepts(schema, "[" + (wrong + ",").repeat(500) + right + "," + right + "]")).isTrue();
        assertThat(accepts(schema, "[" + (wrong + ",").repeat(500) + right + "]")).as("one").isFalse();
        assertThat(accepts(schema, "[" + (right + ",").repeat(3) + wrong + "]")).as("three").isTrue();
        assertThat(accepts(schema, "[" + (right + ",").repeat(4) + wrong + "]")).as("four").isFalse();
    }

    @Test
    void aSchemaReadingAnnotationsStillAcceptsWhatItsPassingBranchEvaluated() throws Exception {
        // unevaluatedProperties reads which properties the branches that passed evaluated, not the failed ones
        CompiledSchema schema = schema("{\"type\":\"object\",\"anyOf\":[{\"properties\":{\"a\":{\"type\":\"string\"}},"
                + "\"required\":[\"a\"]},{\"properties\":{\"b\":{\"type\":\"string\"}},\"required\":[\"b\"]}],"
                + "\"unevaluatedProperties\":false}");

        assertThat(accepts(schema, "{\"a\":\"x\"}")).isTrue();
        assertThat(accepts(schema, "{\"b\":\"x\"}")).isTrue();
        assertThat(accepts(schema, "{\"a\":\"x\",\"b\":5}")).as("b evaluated only by a failed branch").isFalse();
    }
}
