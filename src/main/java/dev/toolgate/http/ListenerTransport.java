package dev.toolgate.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TcpConfig;
import io.vertx.core.spi.transport.Transport;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Vert.x's NIO transport, with one addition: a connection accepted on a listener's port gets a
 * {@link FirstHead} in front of its pipeline. Vert.x offers no other hook at a connection's accept (its
 * connection handler runs once the first request head is whole); its transport's server bootstrap is the
 * one place that sees every accepted channel. Listeners name their port once bound ({@link #guard}).
 */
public final class ListenerTransport implements io.vertx.core.transport.Transport {

    private record Listener(ListenerLimits limits, AtomicInteger open) {
    }

    private final Map<Integer, Listener> listeners = new ConcurrentHashMap<>();
    private final Transport nio = io.vertx.core.transport.Transport.NIO.implementation();
    private final Transport implementation = new Guarded();

    /**
     * Guards the connections accepted on {@code port} from now on, when {@code vertx} runs on this
     * transport (otherwise {@link ConnectionGuard} alone guards them, from their first request head).
     */
    public static void guard(Vertx vertx, int port, ListenerLimits limits, AtomicInteger open) {
        if (vertx instanceof VertxInternal internal && internal.transport() instanceof Guarded guarded) {
            guarded.owner().listeners.put(port, new Listener(limits, open));
        }
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public Transport implementation() {
        return implementation;
    }

    /** The first handler of an accepted channel, then Vert.x's own. */
    private void accepted(Channel channel, ChannelHandler vertx) {
        Listener listener = channel.localAddress() instanceof InetSocketAddress local
                ? listeners.get(local.getPort()) : null;
        if (listener != null) {
            channel.pipeline().addLast(FirstHead.NAME, new FirstHead(listener.limits(), listener.open()));
        }
        channel.pipeline().addLast(vertx);
    }

    /** NIO's transport, delegated to, with the server bootstrap's child handler wrapped. */
    private final class Guarded implements Transport {

        ListenerTransport owner() {
            return ListenerTransport.this;
        }

        @Override
        public void configure(TcpConfig config, boolean domainSocket, ServerBootstrap bootstrap) {
            nio.configure(config, domainSocket, bootstrap);
            ChannelHandler vertx = bootstrap.config().childHandler();
            bootstrap.childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel channel) {
                    accepted(channel, vertx);
                }
            });
        }

        @Override
        public boolean supportsDomainSockets() {
            return nio.supportsDomainSockets();
        }

        @Override
        public boolean supportFileRegion() {
            return nio.supportFileRegion();
        }

        @Override
        public boolean isAvailable() {
            return nio.isAvailable();
        }

        @Override
        public Throwable unavailabilityCause() {
            return nio.unavailabilityCause();
        }

        @Override
        public java.net.SocketAddress convert(SocketAddress address) {
            return nio.convert(address);
        }

        @Override
        public SocketAddress convert(java.net.SocketAddress address) {
            return nio.convert(address);
        }

        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return nio.ioHandlerFactory();
        }

        @Override
        public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory factory, int ioRatio) {
            return nio.eventLoopGroup(type, threads, factory, ioRatio);
        }

        @Override
        public DatagramChannel datagramChannel(InternetProtocolFamily family) {
            return nio.datagramChannel(family);
        }

        @Override
        public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
            return nio.datagramChannelFactory();
        }

        @Override
        public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
            return nio.channelFactory(domainSocket);
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
            return nio.serverChannelFactory(domainSocket);
        }

        @Override
        public void configure(DatagramChannel channel, DatagramSocketOptions options) {
            nio.configure(channel, options);
        }

        @Override
        public void configure(TcpConfig config, boolean domainSocket, Bootstrap bootstrap) {
            nio.configure(config, domainSocket, bootstrap);
        }
    }
}
