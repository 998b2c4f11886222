package dev.toolgate.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ListenAddressTest {

    @Test
    void localhostOverlapsEitherLoopbackAddressOnItsPortAndNoOtherAddress() {
        ListenAddress localhost = ListenAddress.parse("localhost:8001");

        assertThat(localhost.overlaps(ListenAddress.parse("127.0.0.1:8001"))).isTrue();
        assertThat(ListenAddress.parse("[::1]:8001").overlaps(localhost)).isTrue();
        assertThat(localhost.overlaps(ListenAddress.parse("LOCALHOST:8001"))).isTrue();
        assertThat(localhost.overlaps(ListenAddress.parse("127.0.0.1:8002"))).isFalse();
        assertThat(localhost.overlaps(ListenAddress.parse("10.0.0.5:8001"))).isFalse();
        assertThat(localhost.overlaps(ListenAddress.parse("gateway.internal:8001"))).isFalse();
    }
}
