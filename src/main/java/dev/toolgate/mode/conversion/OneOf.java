package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.BaseKeywordValidator;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.keyword.OneOfValidator;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code oneOf} keyword, in place of the validator's own, for the reason {@link AnyOf} replaces {@code anyOf}:
 * a failing branch stops once it has as many errors as can be shown ({@link BranchErrors}), since all the keyword
 * needs is how many branches pass. A value that does not pass exactly one gets the validator's error (how many
 * passed, and which) followed by the failing branches' errors, as before.
 */
final class OneOf implements Keyword {

    static final OneOf KEYWORD = new OneOf();

    private OneOf() {
    }

    @Override
    public String getValue() {
        return KeywordType.ONE_OF.getValue();
    }

    @Override
    public KeywordValidator newValidator(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        if (!schemaNode.isArray() || context.isDiscriminatorKeywordEnabled() || context.isNullableKeywordEnabled()) {
            return new OneOfValidator(location, schemaNode, parent, context);
        }
        return new Check(location, schemaNode, parent, context);
    }

    /** One {@code oneOf}: a value passes when exactly one branch does. */
    private static final class Check extends BaseKeywordValidator {

        private final List<Schema> branches;

        Check(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
            // the validator's own keyword, so errors carry its name and messages
            super(KeywordType.ONE_OF, schemaNode, location, parent, context);
            this.branches = new ArrayList<>(schemaNode.size());
            for (int i = 0; i < schemaNode.size(); i++) {
                branches.add(context.newSchema(location.append(i), schemaNode.get(i), parent));
            }
        }

        @Override
        public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
            List<Error> existing = context.getErrors();
            // unevaluated* read what the branches evaluated, failed ones too: those are checked whole
            boolean whole = !canShortCircuit(context);
            // the keyword's own error comes first
            int room = BranchErrors.room(existing) - 1;
            List<Error> failed = new ArrayList<>();
            List<String> passing = new ArrayList<>();
            boolean failFast = context.isFailFast();
            try {
                context.setFailFast(false);
                for (int i = 0; i < branches.size() && (passing.size() < 2 || whole); i++) {
                    BranchErrors errors = whole ? BranchErrors.whole() : BranchErrors.keeping(room - failed.size());
                    context.evaluationPathAddLast(i);
                    try {
                        BranchErrors.check(branches.get(i), context, node, root, at, errors);
                    } finally {
                        context.evaluationPathRemoveLast();
                    }
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

        /** As the validator's: every branch is checked when something reads their annotations. */
        private boolean canShortCircuit(ExecutionContext context) {
            return !hasUnevaluatedItemsInEvaluationPath(context) && !hasUnevaluatedPropertiesInEvaluationPath(context)
                    && !context.getExecutionConfig().isAnnotationCollectionEnabled();
        }

        @Override
        public void preloadSchema() {
            preloadSchemas(branches);
        }
    }
}
