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
 * errors: subschemas checked for whether they pass collect into lists of their own, added here (or not) once the
 * keyword knows whether the value passed, so those keep their meaning. A branch of {@code anyOf} or {@code oneOf}
 * stops at as many as could still be listed ({@link BranchErrors}), and the subschema of {@code not}, {@code if}
 * or {@code contains}, whose errors are dropped, once it fails ({@link Applicator#passes}). {@code propertyNames} adds
 * its errors here, and a {@code type} list holds type names only (tool schemas are checked against the meta-schema).
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

    private FirstErrors() {
        super(LISTED + 1);
    }

    /**
     * The node's errors against the schema, at most {@link #LISTED} and one more that says others may follow
     * ({@link #more}); the validation stops at that one.
     */
    static List<Error> of(Schema schema, JsonNode node) {
        FirstErrors errors = new FirstErrors();
        try {
            schema.validate(node, context -> context.setErrors(errors));
        } catch (Enough e) {
            // the first ones are in the list
        }
        return errors;
    }

    /** Whether {@code errors} has one past those listed: the validation stopped with more to find. */
    static boolean more(List<Error> errors) {
        return errors.size() > LISTED;
    }

    @Override
    public boolean add(Error error) {
        super.add(error);
        if (size() > LISTED) {
            throw new Enough();
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
