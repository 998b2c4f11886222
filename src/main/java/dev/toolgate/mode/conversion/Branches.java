package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
import java.util.List;

/** The branches of one {@code anyOf} or {@code oneOf} ({@link ApplicatorKeyword}), each checked into its own errors. */
abstract class Branches extends Applicator {

    private final List<Schema> branches;

    Branches(KeywordType type, SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        super(type, location, schemaNode, parent, context);
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

    @Override
    public void preloadSchema() {
        preloadSchemas(branches);
    }
}
