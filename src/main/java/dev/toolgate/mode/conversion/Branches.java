package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.BaseKeywordValidator;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
import java.util.List;

/** The branches of one {@code anyOf} or {@code oneOf} ({@link BranchKeyword}), each checked into its own errors. */
abstract class Branches extends BaseKeywordValidator {

    private final List<Schema> branches;

    /** @param type the validator's own keyword, so that errors carry its name and messages */
    Branches(KeywordType type, SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        super(type, schemaNode, location, parent, context);
        this.branches = new ArrayList<>(schemaNode.size());
        for (int i = 0; i < schemaNode.size(); i++) {
            branches.add(context.newSchema(location.append(i), schemaNode.get(i), parent));
        }
    }

    int count() {
        return branches.size();
    }

    /** Branch {@code i}'s errors, at most those {@code errors} keeps. */
    BranchErrors check(int i, ExecutionContext context, JsonNode node, JsonNode root, NodePath at, BranchErrors errors) {
        context.evaluationPathAddLast(i);
        try {
            BranchErrors.check(branches.get(i), context, node, root, at, errors);
        } finally {
            context.evaluationPathRemoveLast();
        }
        return errors;
    }

    /**
     * As the validator's keywords: every branch is checked whole, failed ones too, when something reads what they
     * evaluated (unevaluated* above, or annotation collection).
     */
    boolean checkedWhole(ExecutionContext context) {
        return hasUnevaluatedItemsInEvaluationPath(context) || hasUnevaluatedPropertiesInEvaluationPath(context)
                || context.getExecutionConfig().isAnnotationCollectionEnabled();
    }

    @Override
    public void preloadSchema() {
        preloadSchemas(branches);
    }
}
