package dev.toolgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on a free loopback port in front of a server, which can go silent on the connections it
 * already holds while it still relays new ones: what a half-dead path looks like (a failed-over NAT or
 * conntrack entry, a blackhole that sends no reset). The stalled connections stay open and swallow what
 * either side sends, as the reviewer's {@code bh.py} did.
 */
public final class StallingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    /** One relayed connection: both sockets, and whether it has gone silent. */
    private record Link(Socket client, Socket server, AtomicBoolean stalled) {
    }

    public StallingRelay(int targetPort) {
        this.target = targetPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** How many connections it has accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Makes every connection held now go silent; later connections are relayed. */
    public void stallExisting() {
        links.forEach(link -> link.stalled().set(true));
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                Link link = new Link(client, server, new AtomicBoolean());
                links.add(link);
                Thread.ofVirtual().start(() -> pipe(client, server, link.stalled()));
                Thread.ofVirtual().start(() -> pipe(server, client, link.stalled()));
            } catch (IOException e) {
                // closed, or the server refused: the client sees its connection end
            }
        }
    }

    private static void pipe(Socket from, Socket to, AtomicBoolean stalled) {
        byte[] buffer = new byte[16_384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (!stalled.get()) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        close(listener);
        links.forEach(link -> {
            close(link.client());
            close(link.server());
        });
    }

    private static void close(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
