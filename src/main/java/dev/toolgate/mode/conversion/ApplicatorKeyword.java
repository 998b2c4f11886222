package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.AnyOfValidator;
import com.networknt.schema.keyword.ContainsValidator;
import com.networknt.schema.keyword.IfValidator;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.keyword.NotValidator;
import com.networknt.schema.keyword.OneOfValidator;

import java.util.function.BiPredicate;

/**
 * Keywords that check the value against subschemas and keep only part of what those find, in place of the
 * validator's own, which build every error of a failing subschema first: 480,000 wrong items under one built as many
 * errors (100–270 ms on the event loop for a 960 KB call) to show ten of them, or none. {@code anyOf} and {@code
 * oneOf} ({@link AnyOf}, {@link OneOf}) stop a failing branch once it has as many as can be shown ({@link
 * BranchErrors}); {@code not}, {@code if} and {@code contains} ({@link Not}, {@link Condition}, {@link Contains}),
 * which only ask whether a subschema passes, stop it once it fails. What passes and fails, and the errors
 * listed, are the validator's. The validator's keyword stays for what ours do not do: an {@code anyOf}/{@code oneOf}
 * that is not an array (it reports that), the OpenAPI dialects' {@code discriminator} and {@code nullable}
 * (Toolgate's dialect has neither), and a {@code contains} that is not a schema (it ignores that).
 */
final class ApplicatorKeyword implements Keyword {

    /** How a keyword's check is made from where it stands in its schema. */
    interface Check {
        KeywordValidator of(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context);
    }

    private static final BiPredicate<JsonNode, SchemaContext> BRANCHES = (node, context) -> node.isArray()
            && !context.isDiscriminatorKeywordEnabled() && !context.isNullableKeywordEnabled();

    static final ApplicatorKeyword ANY_OF = new ApplicatorKeyword(KeywordType.ANY_OF, AnyOfValidator::new, AnyOf::new,
            BRANCHES);
    static final ApplicatorKeyword ONE_OF = new ApplicatorKeyword(KeywordType.ONE_OF, OneOfValidator::new, OneOf::new,
            BRANCHES);
    static final ApplicatorKeyword NOT = new ApplicatorKeyword(KeywordType.NOT, NotValidator::new, Not::new,
            (node, context) -> true);
    static final ApplicatorKeyword IF = new ApplicatorKeyword(KeywordType.IF_THEN_ELSE, IfValidator::new,
            Condition::new, (node, context) -> true);
    static final ApplicatorKeyword CONTAINS = new ApplicatorKeyword(KeywordType.CONTAINS, ContainsValidator::new,
            Contains::new, (node, context) -> node.isObject() || node.isBoolean());

    private final KeywordType type;
    private final Check library;
    private final Check ours;
    private final BiPredicate<JsonNode, SchemaContext> oursApplies;

    private ApplicatorKeyword(KeywordType type, Check library, Check ours,
                              BiPredicate<JsonNode, SchemaContext> oursApplies) {
        this.type = type;
        this.library = library;
        this.ours = ours;
        this.oursApplies = oursApplies;
    }

    @Override
    public String getValue() {
        return type.getValue();
    }

    @Override
    public KeywordValidator newValidator(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        return (oursApplies.test(schemaNode, context) ? ours : library).of(location, schemaNode, parent, context);
    }
}
