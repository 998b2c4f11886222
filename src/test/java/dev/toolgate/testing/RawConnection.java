package dev.toolgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte: for what the JDK client refuses to send ({@code Host},
 * {@code Connection}, hop-by-hop headers) and for reading a response at the pace a test chooses
 * (or not at all).
 */
public final class RawConnection implements AutoCloseable {

    /** A response head: status line and headers in order (names as sent). */
    public record Head(int status, String statusLine, List<Map.Entry<String, String>> headers) {

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        /** Every value of a header (case-insensitive). */
        public List<String> all(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        public boolean chunked() {
            String te = header("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    /** A whole response. */
    public record Response(Head head, byte[] body) {
        public int status() {
            return head.status();
        }

        public String header(String name) {
            return head.header(name);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return head.statusLine() + " " + head.headers() + "\n" + text();
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private Head head;
    private long chunkLeft = -1;
    private boolean bodyDone;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code 127.0.0.1:port}; {@code receiveBuffer} (bytes, 0 for the default) limits how
     * much the kernel reads ahead for a client that does not read.
     */
    public static RawConnection connect(int port, int receiveBuffer) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            return new RawConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one request and reads the whole response. */
    public static Response exchange(int port, String method, String target, List<String> headers, byte[] body) {
        try (RawConnection http = connect(port, 0)) {
            http.send(method, target, headers, body);
            return http.readAll();
        }
    }

    /** Sends a request: the request line, {@code headers} ({@code "Name: value"}) as given, then the body. */
    public RawConnection send(String method, String target, List<String> headers, byte[] body) {
        StringBuilder text = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        text.append("\r\n");
        try {
            out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Writes bytes exactly as given (a request line the JDK client would never send, say). */
    public RawConnection write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** True when the server has closed the connection: a read returns the end of the stream within {@code waitMs}. */
    public boolean closedByServer(int waitMs) {
        try {
            socket.setSoTimeout(waitMs);
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Reads the status line and headers. */
    public Head head() {
        if (head != null) {
            return head;
        }
        try {
            String statusLine = line();
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
            String[] parts = statusLine.split(" ", 3);
            head = new Head(Integer.parseInt(parts[1]), statusLine, List.copyOf(headers));
            String length = head.header("content-length");
            if (!head.chunked()) {
                chunkLeft = length == null ? Long.MAX_VALUE : Long.parseLong(length);
                bodyDone = chunkLeft == 0;
            } else {
                chunkLeft = 0;
            }
            return head;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads up to {@code max} body bytes (chunk framing removed) into {@code into}; -1 at the end of
     * the body (the last chunk, the declared length, or the connection's end).
     */
    public int read(byte[] into, int max) throws IOException {
        head();
        if (bodyDone) {
            return -1;
        }
        if (head.chunked() && chunkLeft == 0) {
            String size = line();
            if (size.isEmpty()) {
                size = line();
            }
            int semicolon = size.indexOf(';');
            chunkLeft = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (chunkLeft == 0) {
                // trailers up to the empty line
                for (String line = line(); !line.isEmpty(); line = line()) {
                    // ignored
                }
                bodyDone = true;
                return -1;
            }
        }
        int n = in.read(into, 0, (int) Math.min(max, chunkLeft));
        if (n < 0) {
            if (head.chunked() || chunkLeft != Long.MAX_VALUE) {
                throw new EOFException("the connection ended inside the body");
            }
            bodyDone = true;
            return -1;
        }
        chunkLeft -= n;
        if (!head.chunked() && chunkLeft == 0) {
            bodyDone = true;
        }
        return n;
    }

    /** Reads the rest of the response. */
    public Response readAll() {
        Head h = head();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try {
            for (int n = read(buffer, buffer.length); n >= 0; n = read(buffer, buffer.length)) {
                body.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Response(h, body.toByteArray());
    }

    /** Body text until {@code marker} has been read (inclusive); fails at the end of the body. */
    public String readUntil(String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (!seen.toString(StandardCharsets.UTF_8).endsWith(marker)) {
            if (read(one, 1) < 0) {
                throw new EOFException("the body ended before " + marker + ": " + seen.toString(StandardCharsets.UTF_8));
            }
            seen.write(one[0]);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    /** Forgets the response read so far, to read the next one on the same (kept-alive) connection. */
    public RawConnection nextResponse() {
        head = null;
        chunkLeft = -1;
        bodyDone = false;
        return this;
    }

    public Socket socket() {
        return socket;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection ended inside a line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
