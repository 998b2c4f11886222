package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.ContainsValidator;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.path.NodePath;

/**
 * One {@code contains} with its {@code minContains} and {@code maxContains} ({@link ApplicatorKeyword}): an array
 * passes when as many of its items as those ask (at least one by default) pass the schema. Only how many pass
 * matters, so an item's check stops once it fails, and the items stop once the count is decided (enough and
 * no {@code maxContains}, or past it): the validator's keyword built every error of every item, 480,000 for one item
 * of as many wrong ones, and checked every item of an array whose first one passed.
 */
final class Contains extends Applicator {

    /** The validator's keyword, for a check whose subschema others read (unevaluatedItems: which items passed). */
    private final ContainsValidator library;
    private final Schema wanted;
    /** Toolgate's dialect is 2020-12, where a missing {@code minContains} is one and either is an integer. */
    private final int least;
    private final Integer most;

    Contains(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        super(KeywordType.CONTAINS, location, schemaNode, parent, context);
        this.library = new ContainsValidator(location, schemaNode, parent, context);
        this.wanted = context.newSchema(location, schemaNode, parent);
        Integer min = bound(parent, KeywordType.MIN_CONTAINS);
        this.least = min == null ? 1 : min;
        this.most = bound(parent, KeywordType.MAX_CONTAINS);
    }

    /** As the validator reads them: a bound that is not an integer is none. */
    private static Integer bound(Schema parent, KeywordType keyword) {
        JsonNode bound = parent.getSchemaNode().get(keyword.getValue());
        return bound != null && bound.canConvertToExactIntegral() ? bound.intValue() : null;
    }

    @Override
    public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
        if (checkedWhole(context)) {
            library.validate(context, node, root, at);
            return;
        }
        if (!node.isArray()) {
            return;
        }
        int found = 0;
        for (int i = 0; i < node.size() && !decided(found); i++) {
            found += passes(wanted, context, node.get(i), root, at.append(i), false) ? 1 : 0;
        }
        if (found < least) {
            violated(context, node, at, KeywordType.MIN_CONTAINS, "contains.min", least);
        }
        if (most != null && found > most) {
            violated(context, node, at, KeywordType.MAX_CONTAINS, "contains.max", most);
        }
    }

    /** Whether the items left can change nothing: enough have passed, and no most or more than it. */
    private boolean decided(int found) {
        return found >= least && (most == null || found > most);
    }

    private void violated(ExecutionContext context, JsonNode node, NodePath at, KeywordType keyword, String message,
                          int bound) {
        context.addError(error().instanceNode(node).instanceLocation(at).evaluationPath(context.getEvaluationPath())
                .messageKey(message).locale(context.getExecutionConfig().getLocale())
                .arguments(String.valueOf(bound), schemaNode.toString()).keyword(keyword.getValue()).build());
    }

    @Override
    public void preloadSchema() {
        library.preloadSchema();
        wanted.initializeValidators();
    }
}
