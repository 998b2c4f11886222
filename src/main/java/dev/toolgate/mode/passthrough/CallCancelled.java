package dev.toolgate.mode.passthrough;

/**
 * A bridged call its client ended: it closed its request or sent {@code notifications/cancelled}. Nobody's
 * failure (not the server's, whose 502 it used to be reported as), and not answered: MCP's receiver of a
 * cancellation does not respond to the request it names.
 */
final class CallCancelled extends RuntimeException {

    CallCancelled() {
        super("the client ended the call", null, false, false);
    }
}
