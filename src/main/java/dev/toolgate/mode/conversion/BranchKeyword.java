package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.AnyOfValidator;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.keyword.OneOfValidator;

/**
 * {@code anyOf} and {@code oneOf}, in place of the validator's own, which collect every error of every failing
 * branch before they know whether one passes: 480,000 wrong items under a branch built as many errors (150–270 ms on
 * the event loop for a 960 KB call) to show ten. Ours ({@link AnyOf}, {@link OneOf}) stop a failing branch once it
 * has as many as can be shown ({@link BranchErrors}); what passes and fails, and the errors listed, are the
 * validator's. The validator's keyword stays for what ours do not do: a schema that is not an array (it reports
 * that), and the OpenAPI dialects' {@code discriminator} and {@code nullable} (Toolgate's dialect has neither).
 */
final class BranchKeyword implements Keyword {

    /** How a keyword's check is made from where it stands in its schema. */
    interface Check {
        KeywordValidator of(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context);
    }

    static final BranchKeyword ANY_OF = new BranchKeyword(KeywordType.ANY_OF, AnyOfValidator::new, AnyOf::new);
    static final BranchKeyword ONE_OF = new BranchKeyword(KeywordType.ONE_OF, OneOfValidator::new, OneOf::new);

    private final KeywordType type;
    private final Check library;
    private final Check ours;

    private BranchKeyword(KeywordType type, Check library, Check ours) {
        this.type = type;
        this.library = library;
        this.ours = ours;
    }

    @Override
    public String getValue() {
        return type.getValue();
    }

    @Override
    public KeywordValidator newValidator(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        boolean plain = schemaNode.isArray() && !context.isDiscriminatorKeywordEnabled()
                && !context.isNullableKeywordEnabled();
        return (plain ? ours : library).of(location, schemaNode, parent, context);
    }
}
