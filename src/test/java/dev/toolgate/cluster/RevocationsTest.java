package dev.toolgate.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Ended sessions kept in this process (no Redis): bounded, and a full map is not walked per session ended. */
class RevocationsTest {

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final Revocations revocations = new Revocations(null, clock);

    @Test
    void aNewAddressCanEndASessionWhileEveryTrackedAddressIsInItsHour() {
        long hour = clock.millis() + Duration.ofHours(1).toMillis();
        for (int i = 0; i < Revocations.MAX_CLIENTS; i++) {
            assertThat(revocations.revoke("ended-" + i, hour, "10.0." + (i >> 8) + "." + (i & 0xff)).succeeded()).isTrue();
        }

        assertThat(revocations.revoke("newcomer", hour, "192.0.2.1").succeeded()).isTrue();
        assertThat(revocations.revoked("newcomer").result()).isTrue();
    }

    @Test
    void sessionsEndedAtAFullMapAreRefusedWithoutEachWalkingItAndRoomReturnsWhenTheyExpire() {
        long hour = clock.millis() + Duration.ofHours(1).toMillis();
        for (int i = 0; i < Revocations.MAX_LOCAL; i++) {
            assertThat(revocations.revoke("ended-" + i, hour).succeeded()).isTrue();
        }

        long walked = revocations.walks();
        for (int i = 0; i < 5_000; i++) {
            assertThat(revocations.revoke("more-" + i, hour).failed()).as("session %d", i).isTrue();
        }
        assertThat(revocations.walks() - walked).as("walks of the full map for 5,000 sessions in one second").isOne();
        assertThat(revocations.revoked("ended-0").result()).isTrue();

        clock.advance(Duration.ofHours(1));
        assertThat(revocations.revoke("more-0", hour + 60_000).succeeded()).as("an hour later, the expired made room")
                .isTrue();
        assertThat(revocations.revoked("more-0").result()).isTrue();
        assertThat(revocations.revoked("ended-0").result()).isFalse();
    }
}
