package dev.toolgate.hardening;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A raw upstream that keeps its connections open: it answers request after request on one connection,
 * each with the bytes named by the last path segment, so an answer that arrives late on a pooled
 * connection can be seen landing on the next request. Requests must have no body.
 */
final class KeepAliveUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final Map<String, FaultyUpstream.Fault> answers = new ConcurrentHashMap<>();

    KeepAliveUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("keep-alive-upstream").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    KeepAliveUpstream on(String name, FaultyUpstream.Fault answer) {
        answers.put(name, answer);
        return this;
    }

    /** A 200 JSON answer with {@code json} as its body. */
    static byte[] ok(String json) {
        return ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + json.length() + "\r\n\r\n" + json)
                .getBytes(StandardCharsets.ISO_8859_1);
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

    private void serve(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String target = line.split(" ", 3)[1];
                for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                    // the head is read whole; what it says does not matter
                }
                String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
                FaultyUpstream.Fault answer = answers.get(path.substring(path.lastIndexOf('/') + 1));
                if (answer == null) {
                    return;
                }
                answer.answer(out);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the gateway may hang up first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
