package dev.toolgate.mode.conversion;

import dev.toolgate.http.GzipHead;
import dev.toolgate.mcp.Cursor;
import dev.toolgate.mcp.Json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The {@code tools/list} pages of one list of serialized tool definitions: built once, so listing
 * is a copy of prepared bytes, whatever the number of tools; compressed once, off the event loops,
 * for clients that accept gzip. A cursor names the list's fingerprint, so a cursor from another
 * list (another version, another caller's view) is refused.
 */
final class ToolPages {

    /** Tools per {@code tools/list} page. */
    static final int PAGE_SIZE = 500;

    private static final byte[] RESULT_HEAD = "{\"result\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAGE_HEAD = "{\"tools\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEXT_CURSOR = ",\"nextCursor\":".getBytes(StandardCharsets.UTF_8);

    private final String fingerprint;
    private final List<byte[]> pages = new ArrayList<>();
    /** The pages as heads of gzip JSON-RPC responses ({@code {"result":PAGE}); null until compressed. */
    private volatile List<GzipHead> compressed;
    private final AtomicBoolean compressing = new AtomicBoolean();
    private final AtomicBoolean listed = new AtomicBoolean();

    /** @param definitions each tool's definition, serialized, in list order */
    ToolPages(List<byte[]> definitions) {
        this.fingerprint = fingerprint(definitions);
        for (int offset = 0; offset == 0 || offset < definitions.size(); offset += PAGE_SIZE) {
            pages.add(page(definitions, offset));
        }
    }

    /** Changes whenever a definition in the list changes. */
    String fingerprint() {
        return fingerprint;
    }

    /** The serialized result for a cursor (null for the first page); empty when the cursor is not one of this list's. */
    Optional<byte[]> page(String cursor) {
        int index = pageIndex(cursor);
        return index < 0 ? Optional.empty() : Optional.of(pages.get(index));
    }

    /** The page for a cursor as the compressed head of a JSON-RPC response; empty until compressed. */
    Optional<GzipHead> compressedPage(String cursor) {
        List<GzipHead> ready = compressed;
        int index = pageIndex(cursor);
        return ready == null || index < 0 ? Optional.empty() : Optional.of(ready.get(index));
    }

    /**
     * Compresses every page now; milliseconds per megabyte of tools, so never on an event loop. Each
     * compressed head holds the page itself behind the result head, not a copy.
     */
    void compress() {
        if (compressing.compareAndSet(false, true)) {
            compressed = pages.stream().map(page -> GzipHead.of(RESULT_HEAD, page)).toList();
        }
    }

    /**
     * Compresses the pages on a virtual thread, once, then runs {@code then}; until then callers get them
     * uncompressed.
     */
    void compressLater(Runnable then) {
        if (!compressing.get()) {
            Thread.ofVirtual().name("compress-tool-pages").start(() -> {
                compress();
                then.run();
            });
        }
    }

    /** Notes a list of these pages, compressed or not: the next compressed list asked for compresses them. */
    void listed() {
        listed.set(true);
    }

    /**
     * Whether the pages were listed before (and notes this list): a view listed once may never be listed again
     * (one caller's, or put out of {@link ViewPages} before its next list), and compressing it would cost more
     * than building it.
     */
    boolean listedBefore() {
        return listed.getAndSet(true);
    }

    /** The bytes the pages hold: each page once, and once compressed each gzip (which holds no copy of its page). */
    long bytes() {
        long bytes = 0;
        for (byte[] page : pages) {
            bytes += page.length;
        }
        List<GzipHead> ready = compressed;
        if (ready != null) {
            for (GzipHead head : ready) {
                bytes += head.deflatedLength();
            }
        }
        return bytes;
    }

    private int pageIndex(String cursor) {
        if (cursor == null) {
            return 0;
        }
        return Cursor.decode(cursor)
                .filter(c -> c.fingerprint().equals(fingerprint) && c.offset() % PAGE_SIZE == 0
                        && c.offset() / PAGE_SIZE < pages.size())
                .map(c -> c.offset() / PAGE_SIZE)
                .orElse(-1);
    }

    /** {@code {"tools":[...],"nextCursor":"..."}}, byte for byte what serializing that object writes. */
    private byte[] page(List<byte[]> definitions, int offset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PAGE_HEAD);
        int end = Math.min(definitions.size(), offset + PAGE_SIZE);
        for (int i = offset; i < end; i++) {
            if (i > offset) {
                out.write(',');
            }
            out.writeBytes(definitions.get(i));
        }
        out.write(']');
        if (end < definitions.size()) {
            out.writeBytes(NEXT_CURSOR);
            out.writeBytes(Json.bytes(new Cursor(fingerprint, end).encode()));
        }
        out.write('}');
        return out.toByteArray();
    }

    /**
     * 64 bits of two checksums: nobody but the operator chooses the definitions, so no cryptographic hash is
     * needed to tell versions apart, and the JVM computes these with CPU instructions from its first call.
     * SHA-256 ran interpreted at start-up: 60 ms of every start with GitHub's 3.6 MB of tools.
     */
    private static String fingerprint(List<byte[]> definitions) {
        CRC32C first = new CRC32C();
        CRC32 second = new CRC32();
        for (byte[] definition : definitions) {
            first.update(definition);
            second.update(definition);
        }
        return HexFormat.of().toHexDigits(first.getValue() << 32 | second.getValue());
    }
}
