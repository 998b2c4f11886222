package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.AnyOfValidator;
import com.networknt.schema.keyword.BaseKeywordValidator;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code anyOf} keyword, in place of the validator's own, which collects every error of every failing branch
 * before it knows whether one passes: 480,000 wrong items under a branch built as many errors (150–270 ms on the
 * event loop for a 960 KB call) to show ten. Here a failing branch stops once it has as many as can be shown
 * ({@link BranchErrors}); what passes and fails, and the errors listed, are the validator's. The validator's keyword
 * stays for what this one does not do: a schema that is not an array (it reports that), and the OpenAPI dialects'
 * {@code discriminator} and {@code nullable} (Toolgate's dialect has neither).
 */
final class AnyOf implements Keyword {

    static final AnyOf KEYWORD = new AnyOf();

    private AnyOf() {
    }

    @Override
    public String getValue() {
        return KeywordType.ANY_OF.getValue();
    }

    @Override
    public KeywordValidator newValidator(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        if (!schemaNode.isArray() || context.isDiscriminatorKeywordEnabled() || context.isNullableKeywordEnabled()) {
            return new AnyOfValidator(location, schemaNode, parent, context);
        }
        return new Check(location, schemaNode, parent, context);
    }

    /** One {@code anyOf}: a value passes when a branch does; when none does, the branches' errors in order. */
    private static final class Check extends BaseKeywordValidator {

        private final List<Schema> branches;

        Check(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
            // the validator's own keyword, so errors carry its name
            super(KeywordType.ANY_OF, schemaNode, location, parent, context);
            this.branches = new ArrayList<>(schemaNode.size());
            for (int i = 0; i < schemaNode.size(); i++) {
                branches.add(context.newSchema(location.append(i), schemaNode.get(i), parent));
            }
        }

        @Override
        public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
            List<Error> existing = context.getErrors();
            // unevaluated* read what the branches evaluated, failed ones too: those are checked whole, all of them
            boolean whole = !canShortCircuit(context);
            int room = BranchErrors.room(existing);
            List<Error> failed = new ArrayList<>();
            boolean failFast = context.isFailFast();
            boolean passed = false;
            try {
                context.setFailFast(false);
                for (int i = 0; i < branches.size() && !(passed && !whole); i++) {
                    BranchErrors errors = whole ? BranchErrors.whole() : BranchErrors.keeping(room - failed.size());
                    context.evaluationPathAddLast(i);
                    try {
                        BranchErrors.check(branches.get(i), context, node, root, at, errors);
                    } finally {
                        context.evaluationPathRemoveLast();
                    }
                    passed |= errors.isEmpty();
                    failed.addAll(errors.subList(0, Math.min(errors.size(), Math.max(0, room - failed.size()))));
                }
            } finally {
                context.setFailFast(failFast);
                context.setErrors(existing);
            }
            if (!passed) {
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
