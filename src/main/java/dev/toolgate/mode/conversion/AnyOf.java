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

/** One {@code anyOf} ({@link ApplicatorKeyword}): a value passes when a branch does; when none does, the branches' errors in order. */
final class AnyOf extends Branches {

    AnyOf(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        super(KeywordType.ANY_OF, location, schemaNode, parent, context);
    }

    @Override
    public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
        List<Error> existing = context.getErrors();
        boolean whole = checkedWhole(context);
        int room = BranchErrors.room(existing);
        List<Error> failed = new ArrayList<>();
        boolean failFast = context.isFailFast();
        boolean passed = false;
        try {
            context.setFailFast(false);
            for (int i = 0; i < count() && !(passed && !whole); i++) {
                BranchErrors errors = check(i, context, node, root, at,
                        whole ? BranchErrors.whole() : BranchErrors.keeping(room - failed.size()));
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
}
