package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;

/**
 * One request of an {@link UpstreamLink} and the reading of its answer: the service's
 * {@code read_timeout} counted from when the request has its connection, the request reset as soon as
 * its client gives up on it, the message's upstream call measured for its span, and the answer read as
 * one bounded JSON body or handed on as an event stream. Apart from the link because this is how any
 * one request goes, whichever message, session or method it carries.
 */
final class UpstreamExchange {

    private final UpstreamClient client;
    private final UpstreamTarget target;
    private final String uri;

    UpstreamExchange(UpstreamClient client, UpstreamTarget target, String uri) {
        this.client = client;
        this.target = target;
        this.uri = uri;
    }

    /**
     * @param abandoned completes when the client gives up (null when it cannot): the request is reset and the
     *                  answer fails with {@link CallCancelled}
     * @param traced    the client's message the request is sent for ({@link RpcRecord#NONE} for the bridge's own),
     *                  whose trace context it carries
     * @param measured  whether the request is (a round of) the message's upstream call, which its span measures
     */
    Future<UpstreamLink.Answer> send(HttpMethod method, MultiMap headers, Buffer body, Future<?> abandoned,
                                     RpcRecord traced, boolean measured) {
        Promise<UpstreamLink.Answer> answer = Promise.promise();
        // the answer's status once its head came: a failure after it (too large, read_timeout) is of an answer begun
        int[] headStatus = {0};
        // untraced (or the bridge's own): no context is written, and the client's headers go as they came
        traced.writeTraceContext(headers);
        if (measured && traced != RpcRecord.NONE) {
            if (!traced.upstreamCalled()) {
                traced.upstreamStarted(target, method.name(), uri, null);
            }
            // a call its client gave up on was stopped by the gateway: no failure of the upstream's
            answer.future().onComplete(done -> {
                if (done.failed() && !(done.cause() instanceof CallCancelled) && headStatus[0] > 0) {
                    traced.bridgedAnswerCut(headStatus[0]);
                } else {
                    traced.bridgedCallEnded(done.succeeded() ? done.result().status()
                            : done.cause() instanceof CallCancelled ? McpEvent.UPSTREAM_ABANDONED : 0);
                }
            });
        }
        Promise<Void> givenUp = Promise.promise();
        int timeoutMs = target.readTimeoutMs();
        // counted from when the request has its connection, as the connect timeout covers the time before
        long[] timer = {-1};
        if (abandoned != null) {
            // the client's side ends on its own event loop; the request and its timer are this one's
            Context here = Vertx.currentContext();
            abandoned.onComplete(gone -> here.runOnContext(now -> {
                if (answer.tryFail(new CallCancelled())) {
                    here.owner().cancelTimer(timer[0]);
                    givenUp.tryComplete();
                }
            }));
        }
        client.exchange(target, method, uri, headers, body, givenUp.future(), () -> {
            if (!answer.future().isComplete()) {
                timer[0] = Vertx.currentContext().owner().setTimer(timeoutMs, id -> {
                    if (answer.tryFail(new UpstreamException(UpstreamException.Kind.TIMEOUT,
                            "no answer within " + timeoutMs + " ms (service read_timeout)"))) {
                        givenUp.tryComplete();
                    }
                });
            }
        }).onComplete(response -> {
            if (response.failed()) {
                Vertx.currentContext().owner().cancelTimer(timer[0]);
                if (!answer.future().isComplete()) { // else reset as given up on: nobody's failure, nothing to log
                    answer.tryFail(UpstreamException.from(response.cause(), target));
                }
            } else if (answer.future().isComplete()) {
                response.result().request().reset(); // given up on while its head was on the way
            } else {
                headStatus[0] = response.result().statusCode();
                if (measured) {
                    traced.upstreamHead(System.nanoTime());
                }
                read(response.result(), answer, timer[0]);
            }
        });
        return answer.future();
    }

    private void read(HttpClientResponse response, Promise<UpstreamLink.Answer> answer, long timer) {
        String type = response.getHeader("content-type");
        if (MediaTypes.isEventStream(type)) {
            Vertx.currentContext().owner().cancelTimer(timer);
            answer.tryComplete(new UpstreamLink.Answer(response.statusCode(), response.headers(), null,
                    new UpstreamLink.Stream(response, target.readTimeoutMs())));
            return;
        }
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > UpstreamLink.MAX_MESSAGE_BYTES) {
                answer.tryFail(new UpstreamException(UpstreamException.Kind.TOO_LARGE,
                        "an answer larger than " + UpstreamLink.MAX_MESSAGE_BYTES + " bytes"));
                response.request().reset();
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(t -> {
            if (!answer.future().isComplete()) {
                answer.tryFail(UpstreamException.from(t, target));
            }
        });
        response.endHandler(v -> {
            Vertx.currentContext().owner().cancelTimer(timer);
            JsonNode json = null;
            if (body.length() > 0 && MediaTypes.isJson(type)) {
                try {
                    json = Json.parse(body.getBytes());
                } catch (IOException e) {
                    json = null;
                }
            }
            answer.tryComplete(new UpstreamLink.Answer(response.statusCode(), response.headers(), json, null));
        });
    }
}
