package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.FailFastAssertionException;
import com.networknt.schema.Schema;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The errors of one branch of {@code anyOf} or {@code oneOf} ({@link AnyOf}, {@link OneOf}), as many as can still
 * be listed and at least one (the subschema of {@code not}, {@code if} or {@code contains} keeps two,
 * {@link Applicator#passes}): the keyword only needs to know whether the branch passes, and the tool error shows the
 * first {@link FirstErrors#LISTED}. The validator's own keywords collected every error of a failing branch before
 * deciding, so 480,000 wrong items under a branch built 480,000 errors; here the branch stops at the last one that
 * could be shown. What reaches the caller's list is the start of what the validator's keywords would have put
 * there, in the same order, so the first errors a tool lists do not change.
 */
final class BranchErrors extends ArrayList<Error> {

    private final int kept;

    /**
     * Thrown when the list is full, caught by the keyword that made the list (around the branch), so it never leaves
     * it. A fail-fast exception of the validator's own kind: the validator's keywords pass it on as one (its {@code
     * pattern} keyword logs any other exception as a broken pattern).
     */
    private static final class Full extends FailFastAssertionException {
        private final BranchErrors list;

        Full(BranchErrors list, Error error) {
            super(error);
            this.list = list;
        }

        /** Never seen outside: a trace would cost more than the check it ends ({@code contains} ends one an item). */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private BranchErrors(int kept) {
        super(Math.min(kept, FirstErrors.LISTED + 1));
        this.kept = kept;
    }

    /** A list for a branch whose errors go into a list with {@code room} left: it keeps that many, at least one. */
    static BranchErrors keeping(int room) {
        return new BranchErrors(Math.max(1, room));
    }

    /** A list that keeps every error: for a branch whose failed parts others read ({@code unevaluated*}). */
    static BranchErrors whole() {
        return new BranchErrors(Integer.MAX_VALUE);
    }

    /**
     * How many errors {@code errors} can still take that may be shown: a branch list's own bound, the rest of the
     * validation's {@link FirstErrors}, else (a list of one of the validator's keywords, which hands its errors on
     * whole or only reads whether there are any) as many as are shown at all.
     */
    static int room(List<Error> errors) {
        if (errors instanceof BranchErrors branch) {
            return branch.kept - branch.size();
        }
        if (errors instanceof FirstErrors) {
            return FirstErrors.LISTED + 1 - errors.size();
        }
        return FirstErrors.LISTED + 1;
    }

    /**
     * Checks the node against one branch into {@code errors}, stopping when they are full. The validator's frames
     * the stop unwinds restore the context in {@code finally} blocks; what the context tracks is put back here
     * too, so the next branch starts where this one did.
     */
    static void check(Schema branch, ExecutionContext context, JsonNode node, JsonNode root, NodePath at,
                      BranchErrors errors) {
        NodePath path = context.getEvaluationPath();
        int schemas = context.getEvaluationSchema().size();
        int keywords = context.getEvaluationSchemaPath().size();
        boolean unevaluatedProperties = context.isUnevaluatedPropertiesPresent();
        boolean unevaluatedItems = context.isUnevaluatedItemsPresent();
        context.setErrors(errors);
        try {
            branch.validate(context, node, root, at);
        } catch (Full full) {
            if (full.list != errors) {
                throw full;
            }
            // the branch fails, with what can be shown of why; the frames it left restored what they had set
            restore(context, path, schemas, keywords);
            context.setUnevaluatedPropertiesPresent(unevaluatedProperties);
            context.setUnevaluatedItemsPresent(unevaluatedItems);
        }
    }

    /** Belt and braces: the validator's frames restore these in {@code finally} blocks themselves. */
    private static void restore(ExecutionContext context, NodePath path, int schemas, int keywords) {
        while (context.getEvaluationPath().getNameCount() > path.getNameCount()) {
            context.evaluationPathRemoveLast();
        }
        while (context.getEvaluationSchema().size() > schemas) {
            context.getEvaluationSchema().removeLast();
        }
        while (context.getEvaluationSchemaPath().size() > keywords) {
            context.getEvaluationSchemaPath().removeLast();
        }
    }

    @Override
    public boolean add(Error error) {
        super.add(error);
        if (size() >= kept) {
            throw new Full(this, error);
        }
        return true;
    }

    @Override
    public boolean addAll(Collection<? extends Error> errors) {
        for (Error e : errors) {
            add(e);
        }
        return !errors.isEmpty();
    }
}
