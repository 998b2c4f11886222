package dev.toolgate.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock the test moves by hand (the one thing tests may fake, with randomness). */
public final class FakeClock implements InstantSource {

    private volatile Instant now;

    public FakeClock() {
        this(Instant.parse("2026-11-24T10:00:00Z"));
    }

    public FakeClock(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        return now;
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    public void set(Instant instant) {
        now = instant;
    }
}
