package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.BaseKeywordValidator;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.path.NodePath;

import java.util.List;

/**
 * One of Toolgate's keywords that check the value against subschemas ({@link ApplicatorKeyword}): what they share,
 * when a subschema must be checked whole and how one is checked for its verdict alone.
 */
abstract class Applicator extends BaseKeywordValidator {

    /** @param type the validator's own keyword, so that errors carry its name and messages */
    Applicator(KeywordType type, SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        super(type, schemaNode, location, parent, context);
    }

    /**
     * As the validator's keywords: a subschema is checked whole, failing or not, when something reads what it
     * evaluated (unevaluated* above, or annotation collection).
     */
    boolean checkedWhole(ExecutionContext context) {
        return hasUnevaluatedItemsInEvaluationPath(context) || hasUnevaluatedPropertiesInEvaluationPath(context)
                || context.getExecutionConfig().isAnnotationCollectionEnabled();
    }

    /**
     * Whether the node passes the schema, whose errors the keyword drops: its check stops at the second (the first is
     * the verdict; a check that ends at one, as most items of a {@code contains} do, then costs no stop), unless it
     * is {@linkplain #checkedWhole checked whole}. As the validator's keywords, a fail-fast validation does not stop
     * inside it.
     */
    static boolean passes(Schema schema, ExecutionContext context, JsonNode node, JsonNode root, NodePath at,
                          boolean whole) {
        List<Error> existing = context.getErrors();
        boolean failFast = context.isFailFast();
        BranchErrors errors = whole ? BranchErrors.whole() : BranchErrors.keeping(2);
        try {
            context.setFailFast(false);
            BranchErrors.check(schema, context, node, root, at, errors);
        } finally {
            context.setFailFast(failFast);
            context.setErrors(existing);
        }
        return errors.isEmpty();
    }
}
