package dev.toolgate.mode.conversion;

import org.junit.jupiter.api.Test;

import static dev.toolgate.mode.conversion.LibraryBranches.array;
import static dev.toolgate.mode.conversion.LibraryBranches.sameAsLibrary;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The subschema of {@code not}, {@code if} or {@code contains}, whose errors are dropped, stops once it fails: 480,000
 * wrong items cost what two do (each wrong item below is one pattern read), and what is accepted, refused and
 * listed is what the validator's own keywords gave ({@link LibraryBranches}).
 */
class DroppedErrorsTest {

    /** Items that are strings but not {@code a}s: each one read by the pattern and wrong. */
    private static final String STRINGS_OF_A =
            "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^a+$\"}}";
    private static final String MANY_B = array("\"b\"", 480_000);

    @Test
    void notAccepts480000WrongItemsAfterReadingTwoAndRefusesRightOnesAsTheValidatorDid() throws Exception {
        String schema = "{\"not\":" + STRINGS_OF_A + "}";

        assertThat(sameAsLibrary(schema, MANY_B).reads()).isEqualTo(2);
        assertThat(sameAsLibrary(schema, array("\"a\"", 1_000)).errors()).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).startsWith("must not be valid to the schema"));
        assertThat(sameAsLibrary(schema, "[\"a\",\"a\",\"b\",\"a\"]").errors()).isEmpty();
    }

    @Test
    void ifChoosesElseFor480000WrongItemsAfterReadingTwoAndListsElsesErrorsAsTheValidatorDid() throws Exception {
        String schema = "{\"if\":" + STRINGS_OF_A + ",\"then\":{\"maxItems\":2},\"else\":{\"minItems\":500000}}";

        LibraryBranches.Checked many = sameAsLibrary(schema, MANY_B);

        assertThat(many.reads()).isEqualTo(2);
        assertThat(many.listed()).isEqualTo("Invalid arguments for tool t: must have at least 500,000 items but found "
                + "480,000");
        assertThat(sameAsLibrary(schema, array("\"a\"", 3)).errors()).as("then").singleElement()
                .satisfies(e -> assertThat(e.getEvaluationPath().toString()).endsWith("/then/maxItems"));
        assertThat(sameAsLibrary("{\"if\":" + STRINGS_OF_A + "}", MANY_B).errors()).isEmpty();
    }

    @Test
    void containsReadsOneItemOfAWrongOneWith480000WrongItemsAndStopsAtTheFirstThatPasses() throws Exception {
        String schema = "{\"type\":\"array\",\"contains\":" + STRINGS_OF_A + "}";

        assertThat(sameAsLibrary(schema, "[" + MANY_B + "]").reads()).as("one item, wrong").isEqualTo(2);
        assertThat(sameAsLibrary(schema, "[" + MANY_B + "]").listed()).contains("must contain at least 1 element(s)");
        assertThat(sameAsLibrary(schema, "[[\"a\"]," + MANY_B.substring(1)).reads()).as("the first passes")
                .isEqualTo(1);
        assertThat(sameAsLibrary(schema, "[1,[\"b\"],[],[\"a\",\"b\"]]").errors()).isEmpty();
    }

    @Test
    void minContainsAndMaxContainsStopOnceTheCountIsDecidedAndRefuseAsTheValidatorDid() throws Exception {
        String b = "{\"type\":\"array\",\"contains\":{\"type\":\"string\",\"pattern\":\"^b$\"}";

        assertThat(sameAsLibrary(b + ",\"minContains\":3}", MANY_B).reads()).isEqualTo(3);
        assertThat(sameAsLibrary(b + ",\"maxContains\":2}", MANY_B).reads()).isEqualTo(3);
        assertThat(sameAsLibrary(b + ",\"maxContains\":2}", MANY_B).listed()).contains("at most 2 element(s)");
        assertThat(sameAsLibrary(b + ",\"minContains\":5,\"maxContains\":2}", "[\"b\",\"b\",\"b\",1]").errors())
                .as("too few and too many, and the bounds' own error").anySatisfy(e -> assertThat(e.getMessage())
                        .contains("at least 5")).anySatisfy(e -> assertThat(e.getMessage()).contains("at most 2"));
        assertThat(sameAsLibrary(b + ",\"minContains\":0}", "[1,2]").errors()).isEmpty();
        assertThat(sameAsLibrary(b + ",\"minContains\":2,\"maxContains\":3}", "[\"b\",1,\"b\",\"b\"]").errors())
                .isEmpty();
    }

    @Test
    void aSubschemaWhoseEvaluationUnevaluatedItemsReadsIsCheckedWholeAsTheValidatorChecksIt() throws Exception {
        String contains = "{\"type\":\"array\",\"contains\":{\"type\":\"string\"},\"unevaluatedItems\":false}";
        String not = "{\"type\":\"object\",\"not\":{\"properties\":{\"a\":{\"type\":\"string\"},\"b\":"
                + "{\"type\":\"string\"}},\"required\":[\"c\"]},\"unevaluatedProperties\":false}";
        String condition = "{\"type\":\"object\",\"if\":{\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":"
                + "[\"b\"]},\"else\":{\"properties\":{\"b\":{\"type\":\"integer\"}}},\"unevaluatedProperties\":false}";

        for (String value : new String[]{"[\"a\",\"b\"]", "[\"a\",1]", "[1,2]", "[]"}) {
            sameAsLibrary(contains, value);
        }
        for (String value : new String[]{"{\"a\":\"x\"}", "{\"a\":1,\"b\":2}", "{\"c\":1}", "{\"a\":\"x\",\"b\":1}",
                "{\"d\":1}", "{}"}) {
            sameAsLibrary(not, value);
            sameAsLibrary(condition, value);
        }
    }
}
