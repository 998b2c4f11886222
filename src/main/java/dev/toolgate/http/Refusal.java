package dev.toolgate.http;

import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The answer {@link Http1Guard} gives a connection it refuses (past the cap, a head or body too slow, framing
 * {@link HttpFraming} rejects): the {@link ErrorCatalog}'s status and message, with {@code Connection: close},
 * written in Netty's terms and the connection closed once it is. Apart from the guard because it is the one
 * error answer written below Vert.x, which never saw the request, so none of {@link ErrorResponses} applies.
 */
final class Refusal {

    private Refusal() {
    }

    /** Writes the catalog's answer to {@code error} through {@code messages}, then closes. */
    static void write(ChannelHandlerContext messages, GatewayError error, String retryAfter) {
        ErrorCatalog.Entry entry = ErrorCatalog.of(error);
        byte[] body = ("{\"message\":" + quoted(entry.message()) + "}").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(entry.status()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, "close");
        if (retryAfter != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        // written below the guard: straight to the encoder, around Vert.x, which never saw the request
        messages.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static String quoted(String text) {
        return dev.toolgate.mcp.Json.text(text);
    }
}
