package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code oneOf} ({@link ApplicatorKeyword}): a value passes when exactly one branch does. All the keyword needs is how
 * many branches pass; a value that does not pass exactly one gets the validator's error (how many passed, and which)
 * followed by the failing branches' errors.
 */
final class OneOf extends Branches {

    OneOf(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        super(KeywordType.ONE_OF, location, schemaNode, parent, context);
    }

    @Override
    public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
        List<Error> existing = context.getErrors();
        boolean whole = checkedWhole(context);
        // the keyword's own error comes first
        int room = BranchErrors.room(existing) - 1;
        List<Error> failed = new ArrayList<>();
        List<String> passing = new ArrayList<>();
        boolean failFast = context.isFailFast();
        try {
            context.setFailFast(false);
            for (int i = 0; i < count() && (passing.size() < 2 || whole); i++) {
                BranchErrors errors = check(i, context, node, root, at,
                        whole ? BranchErrors.whole() : BranchErrors.keeping(room - failed.size()));
                if (errors.isEmpty()) {
                    passing.add(Integer.toString(i));
                } else if (!context.getExecutionConfig().isFailFast()) {
                    // as the validator: a fail-fast validation lists the keyword's error only
                    failed.addAll(errors.subList(0, Math.min(errors.size(), Math.max(0, room - failed.size()))));
                }
            }
        } finally {
            context.setFailFast(failFast);
            context.setErrors(existing);
        }
        if (passing.size() != 1) {
            existing.add(error().instanceNode(node).instanceLocation(at)
                    .messageKey(passing.size() > 1 ? "oneOf.indexes" : "oneOf")
                    .evaluationPath(context.getEvaluationPath()).locale(context.getExecutionConfig().getLocale())
                    .arguments(Integer.toString(passing.size()), passing.size() > 1 ? String.join(", ", passing) : "")
                    .build());
            existing.addAll(failed);
        }
    }
}
