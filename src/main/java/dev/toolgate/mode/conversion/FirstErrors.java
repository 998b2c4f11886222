package dev.toolgate.mode.conversion;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The first errors of a validation, the list it collects into: one past {@link #LISTED} stops it. A call of
 * 480,000 wrong items (under the 1 MiB body bound) would otherwise make as many errors, and a tool result of
 * 24 MB from them; a model fixing its call reads the first few. The list only stands for the validation's own
 * errors: the validator collects the branches of {@code anyOf}, {@code oneOf} and the like in lists of its own,
 * which it adds here (or not) once it knows whether the value passed, so those keep their meaning; each of those
 * stops at its own first error ({@link FailedBranches}).
 */
final class FirstErrors extends ArrayList<Error> {

    /** The errors a tool result lists; past them it says that more exist. */
    static final int LISTED = 10;

    /** Thrown at the error past {@link #LISTED}: the validation stops there, its list holds one error more. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super("more than " + LISTED + " errors", null, false, false);
        }
    }

    /** Errors handed to this list, kept or not: what the validation built. */
    private long handed;

    private FirstErrors() {
        super(LISTED + 1);
    }

    /**
     * The node's errors against the schema, at most {@link #LISTED} and one more that says others may follow
     * ({@link #more}); the validation stops at that one.
     *
     * @param readsAnnotations whether the schema has {@code unevaluatedProperties} or {@code unevaluatedItems}: its
     *                         failed branches are then checked whole
     */
    static List<Error> of(Schema schema, JsonNode node, boolean readsAnnotations) {
        FirstErrors errors = new FirstErrors();
        try {
            if (readsAnnotations) {
                // a walk keeps the annotations of a failed subschema, which unevaluatedProperties would then read
                schema.validate(node, context -> context.setErrors(errors));
            } else {
                // the same keywords as a validation, a failed branch's left out (FailedBranches)
                schema.walk(node, true, context -> {
                    context.setErrors(errors);
                    context.setWalkConfig(FailedBranches.WALK);
                });
            }
        } catch (Enough e) {
            // the first ones are in the list
        }
        return errors;
    }

    /** Whether {@code errors} has one past those listed: the validation stopped with more to find. */
    static boolean more(List<Error> errors) {
        return errors.size() > LISTED;
    }

    /** How many errors the validation handed to {@code errors} (a {@link #of} list), those past the first too. */
    static long handed(List<Error> errors) {
        return errors instanceof FirstErrors first ? first.handed : 0;
    }

    @Override
    public boolean add(Error error) {
        handed++;
        keep(error);
        return true;
    }

    @Override
    public boolean addAll(Collection<? extends Error> errors) {
        // a failed anyOf hands over its branches' errors at once: counted whole, though only the first are kept
        handed += errors.size();
        for (Error e : errors) {
            keep(e);
        }
        return !errors.isEmpty();
    }

    private void keep(Error error) {
        super.add(error);
        if (size() > LISTED) {
            throw new Enough();
        }
    }
}
