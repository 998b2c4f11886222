package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.walk.WalkConfig;
import com.networknt.schema.walk.WalkHandler;

import java.util.List;

/**
 * Stops evaluating a subschema that the validator evaluates only to learn whether it passes, once it has failed.
 * {@code anyOf}, {@code oneOf}, {@code not}, {@code if} and {@code contains} (and {@code propertyNames}, and a list of
 * types) each collect their subschema's errors in a list of their own, and the validator turns its fail-fast off for
 * them (a fail-fast error would end the whole validation), so {@link FirstErrors} never sees them: 480,000 numbers
 * against {@code anyOf: [{type: array, items: {type: string}}, {type: string}]} built 480,000 errors before the
 * {@code anyOf} handed them over to be cut to ten. The validator has no switch for this; its walk has a hook before
 * each keyword, and a keyword of a subschema whose list already holds an error is skipped.
 *
 * <p>Each of those keywords only asks whether its subschema passed (an empty list) or, for {@code contains}, which
 * items passed (the list is emptied after each item), so the answer, and with it whether a value is accepted, is the
 * same after one error as after all of them; a failing {@code anyOf} or {@code oneOf} lists each branch's first
 * error instead of all of them.
 */
final class FailedBranches implements WalkHandler {

    static final WalkConfig WALK = WalkConfig.builder().keywordWalkHandler(new FailedBranches()).build();

    private FailedBranches() {
    }

    @Override
    public boolean preWalk(ExecutionContext context, String keyword, JsonNode node, JsonNode root, NodePath at,
                           Schema schema, KeywordValidator validator) {
        // the validation's own errors are the first ones, cut there (FirstErrors); any other list is a subschema's
        List<Error> errors = context.getErrors();
        return errors instanceof FirstErrors || errors.isEmpty();
    }

    @Override
    public void postWalk(ExecutionContext context, String keyword, JsonNode node, JsonNode root, NodePath at,
                         Schema schema, KeywordValidator validator, List<Error> errors) {
        // nothing to do once a keyword is done
    }
}
