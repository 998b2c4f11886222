package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.path.NodePath;

/**
 * One {@code not} ({@link ApplicatorKeyword}): a value passes when it fails the schema. The schema's errors are never
 * shown, so its check stops once it fails ({@link Applicator#passes}): the validator's keyword built them all,
 * 480,000 for as many wrong items (60–240 ms of the event loop for a 960 KB call), to accept the value.
 */
final class Not extends Applicator {

    private final Schema negated;

    Not(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        super(KeywordType.NOT, location, schemaNode, parent, context);
        this.negated = context.newSchema(location, schemaNode, parent);
    }

    @Override
    public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
        if (passes(negated, context, node, root, at, checkedWhole(context))) {
            context.addError(error().instanceNode(node).instanceLocation(at)
                    .evaluationPath(context.getEvaluationPath()).locale(context.getExecutionConfig().getLocale())
                    .arguments(schemaNode.toString()).build());
        }
    }

    @Override
    public void preloadSchema() {
        negated.initializeValidators();
    }
}
