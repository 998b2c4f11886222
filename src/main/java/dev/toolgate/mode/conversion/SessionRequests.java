package dev.toolgate.mode.conversion;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.mode.TransportRules;
import dev.toolgate.mode.acl.ToolAccess;
import io.vertx.core.Context;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.function.Predicate;

/**
 * The transport's GET and DELETE on an MCP endpoint, which only an endpoint that manages sessions
 * offers: GET opens the session's notification stream, DELETE ends the session (and that stream).
 */
final class SessionRequests {

    private final McpServerEndpoint.Settings settings;
    private final TransportHeaders headers;
    private final Sessions sessions;
    private final SessionStore store;
    private final Predicate<Exchange> refusedOutright;

    /** @param refusedOutright the callers refused every request ({@link ToolAccess#refusesOutright}) */
    SessionRequests(McpServerEndpoint.Settings settings, TransportHeaders headers, Sessions sessions, SessionStore store,
                    Predicate<Exchange> refusedOutright) {
        this.settings = settings;
        this.headers = headers;
        this.sessions = sessions;
        this.store = store;
        this.refusedOutright = refusedOutright;
    }

    Future<Void> openStream(Exchange exchange) {
        HttpServerRequest request = exchange.request();
        if (!settings.managedSessions()) {
            throw new GatewayException(new GatewayError.MethodNotAllowed("GET", "POST"));
        }
        if (!MediaTypes.accepts(MediaTypes.joined(request.headers().getAll("accept")), MediaTypes.EVENT_STREAM)) {
            throw new GatewayException(new GatewayError.NotAcceptable(MediaTypes.EVENT_STREAM));
        }
        TransportRules.checkVersion(exchange.protocolVersion());
        if (refusedOutright.test(exchange)) {
            // refused at connect, as its POSTs are: a stream kept open would still hear the endpoint's notifications
            throw new GatewayException(ToolAccess.refusal());
        }
        Context context = Vertx.currentContext();
        return headers.session(exchange).compose(session -> {
            HttpServerResponse response = request.response();
            if (response.closed()) {
                // the client left while the session was looked up (a store that answers late): a stream kept
                // now would never hear its close, and would hold its place in the client address's count for good
                return Future.succeededFuture();
            }
            var opened = sessions.openStream(session.id(), settings.endpointId(), exchange.clientNetwork(), response,
                    context, settings.runtime(), exchange.principal());
            switch (opened) {
                case CLIENT_AT_CAP -> throw new GatewayException(
                        new GatewayError.TooManyStreams(sessions.maxStreamsPerClient()));
                case STOPPING -> throw new GatewayException(new GatewayError.Stopping());
                case READMIT -> {
                    NotificationStream.reopenLater(response);
                    return Future.succeededFuture();
                }
                case OPEN -> {
                }
            }
            NotificationStream.start(response, session, settings.sessionTtlSeconds(), sessions, store);
            return Future.succeededFuture();
        });
    }

    Future<Void> delete(Exchange exchange) {
        HttpServerRequest request = exchange.request();
        if (!settings.managedSessions()) {
            throw new GatewayException(new GatewayError.MethodNotAllowed("DELETE", "POST"));
        }
        TransportRules.checkVersion(exchange.protocolVersion());
        return headers.session(exchange).compose(session -> store.remove(session, exchange.clientNetwork())
                .recover(t -> Future.failedFuture(new GatewayException(GatewayError.TooManyEndedSessions.orUnavailable(t))))
                .compose(ended -> {
                    sessions.ended(session.endpoint(), session.id());
                    return request.response().setStatusCode(200).end();
                }));
    }
}
