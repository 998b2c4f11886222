package dev.toolgate.mode.conversion;

import com.networknt.schema.Schema;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.toolgate.mode.conversion.LibraryBranches.array;
import static dev.toolgate.mode.conversion.LibraryBranches.sameAsLibrary;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing branch of {@code anyOf} or {@code oneOf} stops once it has the errors a tool error can list: the work
 * does not grow with the wrong items, and what is accepted, refused and listed is what the validator's own keywords
 * gave ({@link LibraryBranches}).
 */
class BranchErrorsTest {

    private static Schema ours(String schema) throws Exception {
        return ToolSchemas.compileOrThrow(Json.parse(schema));
    }

    @Test
    void aFailingAnyOfReadsNoMoreOf480000WrongItemsThanOf20AndListsWhatTheValidatorListed() throws Exception {
        String schema = "{\"anyOf\":[{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^a+$\"}},"
                + "{\"type\":\"string\"}]}";

        LibraryBranches.Checked many = sameAsLibrary(schema, array("\"b\"", 480_000));
        LibraryBranches.Checked few = sameAsLibrary(schema, array("\"b\"", 20));

        // each wrong item is one pattern read: the branch stopped at the eleventh, whatever follows
        assertThat(many.reads()).isEqualTo(few.reads()).isEqualTo(FirstErrors.LISTED + 1);
        assertThat(many.listed()).startsWith("Invalid arguments for tool t: 0: does not match the regex pattern ^a+$; 1: ")
                .endsWith("; and more (only the first 10 are listed)");
    }

    @Test
    void aFailingOneOfReadsNoMoreOf480000WrongItemsThanOf20AndListsWhatTheValidatorListed() throws Exception {
        String schema = "{\"oneOf\":[{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^a+$\"}},"
                + "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^c+$\"}}]}";

        LibraryBranches.Checked many = sameAsLibrary(schema, array("\"b\"", 480_000));
        LibraryBranches.Checked few = sameAsLibrary(schema, array("\"b\"", 20));

        // oneOf's own error and ten items of the first branch fill the list; one item of the second is its verdict
        assertThat(many.reads()).isEqualTo(few.reads()).isEqualTo(FirstErrors.LISTED + 1);
        assertThat(many.listed()).startsWith("Invalid arguments for tool t: must be valid to one and only one schema, "
                + "but 0 are valid; 0: does not match").endsWith("; and more (only the first 10 are listed)");
    }

    @Test
    void anyOfAndOneOfAcceptAndRefuseAsTheValidatorsOwnWhateverTheFailingBranchesFind() throws Exception {
        String anyOf = "{\"anyOf\":[{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}]}";
        String oneOf = "{\"oneOf\":[{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
                + "{\"type\":\"array\",\"items\":{\"minimum\":0}}]}";

        assertThat(sameAsLibrary(anyOf, array("0", 1_000)).errors()).isEmpty();
        assertThat(sameAsLibrary(anyOf, array("\"a\"", 1_000)).errors()).isEmpty();
        assertThat(sameAsLibrary(anyOf, "[\"a\"," + array("0", 1_000).substring(1)).errors()).isNotEmpty();
        assertThat(sameAsLibrary(oneOf, array("-1", 1_000)).errors()).as("the first only").isEmpty();
        assertThat(sameAsLibrary(oneOf, array("1.5", 1_000)).errors()).as("the second only").isEmpty();
        assertThat(sameAsLibrary(oneOf, array("1", 1_000)).errors()).as("both").singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("but 2 are valid with indexes '0, 1'"));
        assertThat(sameAsLibrary(oneOf, array("-1.5", 1_000)).errors()).as("neither").isNotEmpty();
    }

    @Test
    void errorsBeforeAndAfterABranchAndBranchesInsideBranchesAreListedAsTheValidatorListedThem() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"anyOf\":["
                + "{\"type\":\"array\",\"items\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"array\",\"items\":"
                + "{\"anyOf\":[{\"type\":\"boolean\"},{\"type\":\"null\"}]}}]}},{\"type\":\"object\"}]},"
                + "\"c\":{\"type\":\"string\"}}}";

        for (int wrong = 0; wrong < 14; wrong++) {
            String items = wrong == 0 ? "[]" : array("[1,2,3]", wrong);
            sameAsLibrary(schema, "{\"a\":1,\"b\":" + items + ",\"c\":2}");
            sameAsLibrary(schema, "{\"b\":" + items + ",\"c\":2}");
            sameAsLibrary(schema, "{\"b\":[\"s\",[true,null]" + (wrong == 0 ? "]" : "," + items.substring(1)) + "}");
        }
    }

    @Test
    void twelveWrongItemsUnderAnyOfAreRefusedWithTheListedErrors() throws Exception {
        // rev-diff19 1: the eleventh error coming from a branch once made an internal error
        String schema = "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":"
                + "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}}}";

        assertThat(sameAsLibrary(schema, "{\"items\":" + array("{}", 12) + "}").listed())
                .startsWith("Invalid arguments for tool t: items.0: object found, string expected; "
                        + "items.0: object found, integer expected; items.1: ")
                .endsWith("; and more (only the first 10 are listed)");
    }

    @Test
    void dependentSchemasUnderAnAbsentPropertyAcceptAValueWithoutItAndRefuseOneThatBreaksThem() throws Exception {
        // rev-diff19 2: walking the schema visited the absent property's dependentSchemas and crashed
        String schema = "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"object\",\"dependentSchemas\":{\"x\":"
                + "{\"required\":[\"y\"]}}},\"q\":{\"anyOf\":[{\"type\":\"array\"},{\"type\":\"object\","
                + "\"properties\":{\"r\":{\"dependentSchemas\":{\"x\":{\"required\":[\"y\"]}}}}}]}}}";

        assertThat(sameAsLibrary(schema, "{}").errors()).isEmpty();
        assertThat(sameAsLibrary(schema, "{\"q\":{}}").errors()).isEmpty();
        assertThat(sameAsLibrary(schema, "{\"p\":{\"x\":1}}").errors()).isNotEmpty();
        assertThat(sameAsLibrary(schema, "{\"q\":{\"r\":{\"x\":1}}}").errors()).isNotEmpty();
        assertThat(sameAsLibrary(schema, "{\"q\":{\"r\":{\"x\":1,\"y\":2}}}").errors()).isEmpty();
    }

    @Test
    void aPatternThatSpendsTheBudgetInsideABranchAfterOtherProblemsIsTheTooLongError() throws Exception {
        // rev-diff19 1: the budget's error thrown inside a branch after two problems once made an internal error
        CompiledSchema schema = CompiledSchema.now(ours("{\"type\":\"object\",\"properties\":{\"items\":"
                + "{\"anyOf\":[{\"type\":\"array\",\"items\":{\"anyOf\":[{\"type\":\"string\",\"pattern\":"
                + "\"^(x+x+)+y$\"},{\"type\":\"integer\"}]}},{\"type\":\"string\"}]}}}"));

        for (String items : List.of("[\"" + "x".repeat(5000) + "\"]", "[{},{},\"" + "x".repeat(5000) + "\"]")) {
            assertThat(schema.validate(Json.parse("{\"items\":" + items + "}"))).singleElement().satisfies(e ->
                    assertThat(e.getMessage()).isEqualTo("a value took too long to match a pattern of the schema; "
                            + "send a shorter one"));
        }
        assertThat(schema.validate(Json.parse("{\"items\":[{},{},\"xxy\",3]}"))).hasSize(5);
    }

    @Test
    void aSchemaWithUnevaluatedPropertiesAcceptsWhatItsPassingBranchEvaluatedAndNotWhatAFailedOneDid() throws Exception {
        // unevaluatedProperties reads which properties the branches evaluated: those are checked whole
        String schema = "{\"type\":\"object\",\"anyOf\":[{\"properties\":{\"a\":{\"type\":\"string\"},\"l\":"
                + "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"a\"]},{\"properties\":"
                + "{\"b\":{\"type\":\"string\"}},\"required\":[\"b\"]}],\"unevaluatedProperties\":false}";

        assertThat(sameAsLibrary(schema, "{\"a\":\"x\"}").errors()).isEmpty();
        assertThat(sameAsLibrary(schema, "{\"b\":\"x\"}").errors()).isEmpty();
        assertThat(sameAsLibrary(schema, "{\"a\":\"x\",\"b\":5}").errors()).as("b evaluated by a failed branch only")
                .isNotEmpty();
        assertThat(sameAsLibrary(schema, "{\"b\":\"x\",\"l\":" + array("1", 30) + "}").errors()).isNotEmpty();
        String oneOf = schema.replace("anyOf", "oneOf");
        assertThat(sameAsLibrary(oneOf, "{\"a\":\"x\",\"b\":5}").errors()).isNotEmpty();
        assertThat(sameAsLibrary(oneOf, "{\"b\":\"x\",\"l\":" + array("1", 30) + "}").errors()).isNotEmpty();
    }
}
