package dev.toolgate.openapi;

import dev.toolgate.mcp.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * How much converting one document's schemas may produce: schema objects per conversion and per
 * document, bytes of {@code $defs} per document, levels of nesting, and bytes of the tools written out. It is apart from
 * {@link SchemaConverter} because these bounds are what keeps a small hostile document (references
 * that double at every link, a chain of twenty thousand components) from exhausting the heap or the
 * stack, and each has its own reason and its own message naming where it was passed.
 */
final class ExpansionBudget {

    /**
     * Schema objects one conversion (a tool's schema, or one component) may produce. A reference that is
     * not a component is copied in at each use, so a chain of them where each is used twice inside the
     * next doubles at every link: forty links of a few hundred bytes of YAML would be a trillion objects.
     * The largest real documents (GitHub's, Stripe's) stay far below this.
     */
    static final int MAX_SCHEMA_OBJECTS = 100_000;
    /**
     * Schema objects all the conversions of one document may produce together: the per-schema cap
     * alone lets each of a few hundred parameters (fifty bytes each) copy in the same 100,000 objects,
     * gigabytes from a document of kilobytes. GitHub's document, the largest real one, produces
     * 14,000, Stripe's 16,000.
     */
    static final int MAX_DOCUMENT_SCHEMA_OBJECTS = 250_000;
    /**
     * Bytes of {@code $defs} the schemas of one document may carry in all (each schema's own are bounded
     * by its budget, but every parameter may reference the same large component). GitHub's carry 1.6 MB.
     */
    static final long MAX_DOCUMENT_DEFINITION_BYTES = 32L * 1024 * 1024;
    /**
     * Schema levels a conversion may nest, counting the references followed on the way (a component
     * reached from inside another is converted there). A chain of references would otherwise recurse
     * once per link until the stack overflows, and a schema nested deeper than this could not be
     * checked against the meta-schema or serialized (Jackson writes at most 1,000 levels). The real
     * documents nest at most 58 levels (Stripe's).
     */
    static final int MAX_DEPTH = 128;
    /**
     * Bytes one tool's schemas (its parameters', request body's and answers') may take written out, as
     * {@code tools/list}, the Admin API and the argument checks write them. Copies share their objects and
     * keyword lists in memory (a schema copied 98,000 times whose leaf lists 1,000 required names costs
     * little to hold), but each copy is written whole: a document of kilobytes would be hundreds of
     * megabytes of JSON. The largest tool of the real documents takes 35 KB (Stripe's).
     */
    static final long MAX_TOOL_BYTES = 8L * 1024 * 1024;
    /** Bytes all the tools of one document may take written out: GitHub's 1,221 take 3 MB. */
    static final long MAX_DOCUMENT_TOOL_BYTES = 32L * 1024 * 1024;

    /** Schema objects produced by the conversion in progress. */
    private int produced;
    /** Schema objects produced by all the conversions of the document so far. */
    private int documentProduced;
    /** Bytes of {@code $defs} the conversions of the document have put in schemas so far. */
    private long documentDefinitions;
    /** Bytes the tools of the document take written out so far. */
    private long documentWritten;
    /** Nesting of the conversion in progress, components reached on the way included. */
    private int depth;

    /** Starts the count of a new conversion (a tool's schema). */
    void startConversion() {
        produced = 0;
    }

    /**
     * Sets the count of the conversion in progress aside for a component, converted on its own count in
     * the middle of the schema that reached it; {@link #resume} gives it back.
     */
    int suspend() {
        int outer = produced;
        produced = 0;
        return outer;
    }

    void resume(int outer) {
        produced = outer;
    }

    /** Goes one level deeper; each call that returns is matched by one {@link #leave}. */
    void enter(String where) {
        if (++depth > MAX_DEPTH) {
            throw new OpenApiException(where + ": the schema nests deeper than " + MAX_DEPTH + " levels, counting "
                    + "the $refs followed on the way (a chain of references, or a schema nested that deep)");
        }
    }

    void leave() {
        depth--;
    }

    /** Counts one schema object built (a reference to a component is one: it stands in the schema). */
    void count(String where) {
        if (++produced > MAX_SCHEMA_OBJECTS) {
            throw new OpenApiException(where + ": the schema's $refs expand to more than " + MAX_SCHEMA_OBJECTS
                    + " schema objects (references that are not components are copied at each use)");
        }
        if (++documentProduced > MAX_DOCUMENT_SCHEMA_OBJECTS) {
            throw new OpenApiException(where + ": the document's schemas expand to more than "
                    + MAX_DOCUMENT_SCHEMA_OBJECTS + " schema objects in all (references that are not components "
                    + "are copied at each use: make a schema used in many places a component)");
        }
    }

    /**
     * Counts the bytes of one {@code $defs} entry: the entry is shared in memory, but each tool's schema
     * is written out with its own copy, so a large component referenced by many parameters multiplies.
     */
    void defined(int bytes, String where) {
        documentDefinitions += bytes;
        if (documentDefinitions > MAX_DOCUMENT_DEFINITION_BYTES) {
            throw new OpenApiException(where + ": the document's schemas carry more than "
                    + MAX_DOCUMENT_DEFINITION_BYTES / (1024 * 1024) + " MiB of $defs in all (each tool's schema "
                    + "carries the components it references; a large one referenced in very many places multiplies)");
        }
    }

    /**
     * Counts the bytes a tool's schemas take written out, writing them into nothing and stopping as soon
     * as a bound is passed (so a hostile tool costs at most the bound's bytes of writing).
     *
     * @param pieces the tool's parameters, request body and answers (null ones are skipped)
     */
    void written(String where, Object... pieces) {
        long room = Math.min(MAX_TOOL_BYTES, MAX_DOCUMENT_TOOL_BYTES - documentWritten);
        Counted out = new Counted(room);
        try {
            for (Object piece : pieces) {
                if (piece != null) {
                    Json.MAPPER.writeValue(out, piece);
                }
            }
        } catch (IOException e) {
            if (!out.passed) {
                throw new UncheckedIOException(e);
            }
            throw new OpenApiException(where + (room < MAX_TOOL_BYTES
                    ? ": the document's tools, written out, take more than " + MAX_DOCUMENT_TOOL_BYTES / (1024 * 1024)
                    + " MiB in all" : ": the tool's schemas, written out, take more than " + MAX_TOOL_BYTES / (1024 * 1024)
                    + " MiB") + " (a schema copied in at many places, or a long keyword list in a copied schema: make "
                    + "the schema a component)");
        }
        documentWritten += out.count;
    }

    /** Counts the bytes written into it, refusing any past its room. */
    private static final class Counted extends OutputStream {

        private final long room;
        private long count;
        private boolean passed;

        Counted(long room) {
            this.room = room;
        }

        @Override
        public void write(int b) throws IOException {
            add(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            add(len);
        }

        private void add(long bytes) throws IOException {
            count += bytes;
            if (count > room) {
                passed = true;
                throw new IOException("past the bound");
            }
        }
    }
}
