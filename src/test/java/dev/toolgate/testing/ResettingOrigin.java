package dev.toolgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP origin on a plain server socket that answers each connection's first request with 200 and
 * {@code body} (JSON), keeps the connection open as a keep-alive server would, then resets it (SO_LINGER 0:
 * an RST) {@code afterMillis} later: what a server or a load balancer in front of it does to an idle
 * connection it drops, or a server killed between two requests.
 */
public final class ResettingOrigin {

    private ResettingOrigin() {
    }

    /**
     * Serves {@code server} until it is closed, each connection on a virtual thread of its own; returns how
     * many requests it has read so far.
     */
    public static AtomicInteger answerThenReset(ServerSocket server, String body, long afterMillis) {
        AtomicInteger requests = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s, body, afterMillis, requests));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return requests;
    }

    private static void serve(Socket s, String body, long afterMillis, AtomicInteger requests) {
        try (s) {
            if (!readRequest(s.getInputStream())) {
                return;
            }
            requests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            Thread.sleep(afterMillis);
            s.setSoLinger(true, 0);
        } catch (IOException | InterruptedException e) {
            // the gateway closed it first
        }
    }

    /** Reads a request's head and its {@code Content-Length} body; false when the connection closed first. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).trim());
            }
        }
        in.skipNBytes(length);
        return true;
    }
}
