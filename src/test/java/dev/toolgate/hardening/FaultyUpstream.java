package dev.toolgate.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An upstream that misbehaves on purpose, on a plain socket: for each request it reads the head, takes
 * the last path segment as the name of a fault, and writes that fault's bytes as they are (then closes),
 * or does nothing at all. What no HTTP library would send: status 9999, broken chunks, lies about length.
 */
final class FaultyUpstream implements AutoCloseable {

    /** What to do with one connection once the request head is read. */
    interface Fault {
        void answer(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Thread acceptor;

    FaultyUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("faulty-upstream").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    FaultyUpstream on(String name, Fault fault) {
        faults.put(name, fault);
        return this;
    }

    FaultyUpstream bytes(String name, String raw) {
        return on(name, out -> out.write(raw.getBytes(StandardCharsets.ISO_8859_1)));
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
            String head = head(socket.getInputStream());
            String target = head.split(" ", 3)[1];
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            Fault fault = faults.get(path.substring(path.lastIndexOf('/') + 1));
            if (fault != null) {
                fault.answer(socket.getOutputStream());
                socket.getOutputStream().flush();
            }
        } catch (IOException | RuntimeException e) {
            // the gateway may hang up first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        acceptor.interrupt();
    }
}
