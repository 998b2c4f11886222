package dev.toolgate.observe;

/**
 * Receives every JSON-RPC message {@link MessageTap} reads on a passthrough route. Implementations are
 * called on event loops: they must be quick and must not block.
 */
@FunctionalInterface
public interface TapSink {

    void accept(TapEvent event);
}
