package dev.toolgate.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that closes keep-alive connections it finds idle, as Node.js's http server does after
 * {@code keepAliveTimeout} (5 s by default), at the worst moment: when a request arrives on a connection
 * that has been idle for {@code idleMs} or longer, the server's idle timer is taken to have fired just as
 * the request's bytes came in, and the connection is reset without the request being read or answered.
 * A real server does this only when the timer and the request cross; here every reuse of a connection
 * idle that long hits that race, so a test of it does not depend on timing luck. Every request it does
 * read is answered 200 with a small JSON-RPC result, the connection kept open, and counted.
 *
 * <p>Over TLS ({@link #overTls}), it serves only connections that ask for its name (SNI), as a server
 * holding one certificate per name, or a TLS-routing proxy, does; a connection that names nothing or
 * another name is closed after the handshake, unanswered, and counted.
 */
final class IdleClosingUpstream implements AutoCloseable {

    private static final String ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"ok\":true}}";

    private final ServerSocket server;
    private final long idleMs;
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger misnamed = new AtomicInteger();
    private final SSLContext tls;
    private final String serverName;

    IdleClosingUpstream(long idleMs) throws IOException {
        this(idleMs, null, null);
    }

    private IdleClosingUpstream(long idleMs, SSLContext tls, String serverName) throws IOException {
        this.idleMs = idleMs;
        this.tls = tls;
        this.serverName = serverName;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("idle-closing-upstream").start(this::accept);
    }

    /** Over TLS, serving only connections whose handshake names {@code serverName} (SNI). */
    static IdleClosingUpstream overTls(long idleMs, SSLContext tls, String serverName) throws IOException {
        return new IdleClosingUpstream(idleMs, tls, serverName);
    }

    /** How many TLS connections named no server, or another one than this server's, and were closed. */
    int misnamed() {
        return misnamed.get();
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many {@code METHOD path} requests the server read and answered (acted on). */
    int served(String methodAndPath) {
        AtomicInteger count = served.get(methodAndPath);
        return count == null ? 0 : count.get();
    }

    /** How many requests arrived on a connection idle too long, and were dropped with it unread. */
    int dropped() {
        return dropped.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket accepted) {
        try (Socket socket = tls == null ? accepted : handshake(accepted)) {
            if (socket == null) {
                return;
            }
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            long answeredAt = 0;
            for (int first = in.read(); first >= 0; first = in.read()) {
                if (answeredAt != 0 && System.nanoTime() - answeredAt >= idleMs * 1_000_000) {
                    dropped.incrementAndGet();
                    accepted.setSoLinger(true, 0); // reset, as a server closing with unread bytes does
                    accepted.close();
                    return;
                }
                String head = (char) first + head(in);
                String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ", 3);
                int length = contentLength(head);
                in.readNBytes(length);
                String path = requestLine[1].contains("?") ? requestLine[1].substring(0, requestLine[1].indexOf('?'))
                        : requestLine[1];
                served.computeIfAbsent(requestLine[0] + " " + path, k -> new AtomicInteger()).incrementAndGet();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + ANSWER.length()
                        + "\r\n\r\n" + ANSWER).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                answeredAt = System.nanoTime();
            }
        } catch (IOException | RuntimeException e) {
            // the gateway may hang up first
        }
    }

    /** The TLS socket over {@code accepted}, or null (closed) when its handshake named the wrong server. */
    private Socket handshake(Socket accepted) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(accepted, null, accepted.getPort(), true);
        socket.setUseClientMode(false);
        socket.startHandshake();
        List<SNIServerName> named = ((ExtendedSSLSession) socket.getSession()).getRequestedServerNames();
        if (!named.contains(new SNIHostName(serverName))) {
            misnamed.incrementAndGet();
            socket.close();
            return null;
        }
        return socket;
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        String end = "\r\n\r\n";
        int matched = 0; // the first byte, read by the caller, starts the request line
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = b == end.charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == end.length()) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
    }
}
