package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.io.IOException;

/**
 * The server's answer to one round of a legacy bridge's call (split from {@link LegacyRounds}, which sends the
 * rounds): its final response, read from a JSON answer or from the stream that relays the call's notifications
 * before it, and given up as soon as the call ends, since in 2026-07-28 closing the request is its cancellation.
 */
final class LegacyRoundAnswers {

    private LegacyRoundAnswers() {
    }

    /**
     * Completes when the round's request is to be given up before its answer: the client cancelled the call, hung up,
     * or the gateway ended the call. A server computing a JSON answer sends nothing before it, so no stream's close
     * would tell it; the request is reset at once instead (2026-07-28's cancellation), not held until read_timeout.
     */
    static Future<Void> abandoned(LegacyRounds.Call call) {
        Promise<Void> abandoned = Promise.promise();
        call.cancelled().onComplete(ended -> abandoned.tryComplete());
        call.hungUp().onComplete(gone -> abandoned.tryComplete());
        return abandoned.future();
    }

    /**
     * The server's answer to a round, unless the call ends first (its client cancels it or goes away, or the
     * gateway ends it: its route removed): the client is told at once (or nothing, when it cancelled), and an
     * answer that comes later is let go unread.
     */
    static Future<UpstreamLink.Answer> unlessEnded(LegacyRounds.Call call, Future<UpstreamLink.Answer> posted) {
        Context here = Vertx.currentContext();
        Promise<UpstreamLink.Answer> answer = Promise.promise();
        posted.onComplete(done -> {
            if (done.failed()) {
                // a request reset for the call's end fails as cancelled: the end says why (a removed route, say)
                answer.tryFail(call.cancelled().isComplete() ? LegacyRounds.ending(call.cancelled()) : done.cause());
            } else if (!answer.tryComplete(done.result())) {
                UpstreamLink.discard(done.result());
            }
        });
        call.cancelled().onComplete(ended -> here.runOnContext(now -> answer.tryFail(
                LegacyRounds.ending(call.cancelled()))));
        return answer.future();
    }

    /** The server's final response, relaying the notifications that come before it. */
    static Future<JsonNode> finalResponse(LegacyRounds.Call call, UpstreamLink.Answer answer, JsonNode id) {
        if (answer.stream() == null) {
            JsonNode json = answer.json();
            if (UpstreamLink.answers(json, id)) {
                return Future.succeededFuture(json);
            }
            return Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN,
                    "the server answered HTTP " + answer.status() + " without a JSON-RPC response to the request"));
        }
        Promise<JsonNode> found = Promise.promise();
        // in 2026-07-28 closing the stream is the cancellation: a client that hung up must not leave the server
        // running its call, nor the gateway reading it on a pooled connection, for as long as the server streams
        call.hungUp().onComplete(gone -> {
            if (found.tryFail(new CallCancelled())) {
                answer.stream().close();
            }
        });
        // the cancellation arrives on the notification's event loop; the stream and the client's answer are this one's
        Context here = Vertx.currentContext();
        call.cancelled().onComplete(v -> here.runOnContext(now -> {
            if (found.tryFail(LegacyRounds.ending(call.cancelled()))) {
                answer.stream().close();
            }
        }));
        answer.stream().read(event -> {
            if (event.data().isEmpty() || found.future().isComplete()) {
                return;
            }
            try {
                JsonNode message = Json.parse(event.data());
                if (message.has("method") && !message.has("id")) {
                    call.answer().notify(message);
                    answer.stream().holdUntil(call.answer().writable());
                } else if (id.equals(message.get("id"))) {
                    found.tryComplete(message);
                    answer.stream().close();
                }
            } catch (IOException e) {
                // not a message: skip it
            }
        }).onComplete(end -> found.tryFail(end.failed() ? end.cause() : new UpstreamException(
                UpstreamException.Kind.BROKEN, "the server ended the stream without answering")));
        return found.future();
    }
}
