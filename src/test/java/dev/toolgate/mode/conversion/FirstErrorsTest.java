package dev.toolgate.mode.conversion;

import com.networknt.schema.Error;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FirstErrorsTest {

    private static CompiledSchema schema(String json) throws Exception {
        return CompiledSchema.now(ToolSchemas.compileOrThrow(Json.parse(json)));
    }

    @Test
    void aValidationStopsAtTheErrorPastThoseListedAndSaysMoreMayFollow() throws Exception {
        CompiledSchema schema = schema("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");

        List<Error> errors = schema.validate(Json.parse("[" + "0,".repeat(9_999) + "0]"));

        assertThat(errors).hasSize(FirstErrors.LISTED + 1);
        assertThat(FirstErrors.more(errors)).isTrue();
        assertThat(errors.getFirst().getInstanceLocation().toString()).isEqualTo("/0");
    }

    @Test
    void asManyErrorsAsAreListedAreAllThereAreWithoutMore() throws Exception {
        CompiledSchema schema = schema("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");

        List<Error> errors = schema.validate(Json.parse("[" + "0,".repeat(FirstErrors.LISTED - 1) + "0,\"a\"]"));

        assertThat(errors).hasSize(FirstErrors.LISTED);
        assertThat(FirstErrors.more(errors)).isFalse();
    }

    @Test
    void aBranchOfAnyOfWithManyErrorsDoesNotStopAValueAnotherBranchAdmits() throws Exception {
        CompiledSchema schema = schema("{\"anyOf\":[{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}]}");

        assertThat(schema.validate(Json.parse("[" + "0,".repeat(99) + "0]"))).isEmpty();
        assertThat(schema.validate(Json.parse("[" + "true,".repeat(99) + "true]"))).isNotEmpty()
                .hasSizeLessThanOrEqualTo(FirstErrors.LISTED + 1);
    }
}
