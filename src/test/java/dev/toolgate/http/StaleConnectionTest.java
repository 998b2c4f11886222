package dev.toolgate.http;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class StaleConnectionTest {

    static final UpstreamTarget API = new UpstreamTarget("api", false, "127.0.0.1", 8080, true, 1_000, 1_000, 5);
    static final HttpClosedException CLOSED = new HttpClosedException("Connection was closed");

    @Test
    void anIdempotentRequestClosedUnderItOnAReusedConnectionIsSentAgain() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT,
                HttpMethod.DELETE, HttpMethod.TRACE}) {
            assertThat(StaleConnection.resend(API, method, true, CLOSED)).as(method.name()).isTrue();
        }
        assertThat(StaleConnection.resend(API, HttpMethod.GET, true, new SocketException("Connection reset"))).isTrue();
    }

    @Test
    void aPostOrPatchIsNeverSentAgain() {
        assertThat(StaleConnection.resend(API, HttpMethod.POST, true, CLOSED)).isFalse();
        assertThat(StaleConnection.resend(API, HttpMethod.PATCH, true, new IOException("reset"))).isFalse();
    }

    @Test
    void aRequestOnANewConnectionIsNeverSentAgain() {
        assertThat(StaleConnection.resend(API, HttpMethod.GET, false, CLOSED)).isFalse();
    }

    @Test
    void aTimeoutOrAnAnswerTheGatewayRefusedIsNeverSentAgain() {
        assertThat(StaleConnection.resend(API, HttpMethod.GET, true, new TimeoutException("read"))).isFalse();
        assertThat(StaleConnection.resend(API, HttpMethod.GET, true,
                new UpstreamException(UpstreamException.Kind.BROKEN, "api", "answered with an invalid status code"))).isFalse();
    }

    @Test
    void aServiceWithRetriesZeroSendsNothingAgain() {
        UpstreamTarget once = new UpstreamTarget("once", false, "127.0.0.1", 8080, true, 1_000, 1_000, 0);
        assertThat(StaleConnection.resend(once, HttpMethod.GET, true, CLOSED)).isFalse();
    }
}
