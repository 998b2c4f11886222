package dev.toolgate.mcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which MCP revisions we speak, and the answer to an initialize request's protocolVersion. */
class ProtocolVersionTest {

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-26", "2025-06-18", "2025-11-25"})
    void supportedVersionIsAnsweredWithItself(String version) {
        assertThat(ProtocolVersion.isSupported(version)).isTrue();
        assertThat(ProtocolVersion.negotiate(version)).isEqualTo(version);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"2024-11-05", "2026-01-01", "latest", "2025-06-18 "})
    void unknownVersionIsAnsweredWithTheLatest(String version) {
        assertThat(ProtocolVersion.isSupported(version)).isFalse();
        assertThat(ProtocolVersion.negotiate(version)).isEqualTo("2025-11-25");
    }

    @Test
    void latestIsTheNewestSupportedAndTheDefaultsAreTheOldest() {
        assertThat(ProtocolVersion.LATEST).isEqualTo(ProtocolVersion.SUPPORTED.getLast());
        assertThat(ProtocolVersion.SUPPORTED).isSorted();
        assertThat(ProtocolVersion.ASSUMED_WHEN_ABSENT).isEqualTo("2025-03-26");
        assertThat(ProtocolVersion.BATCHING).isEqualTo("2025-03-26");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-07-28", "2026-12-01", "2099-01-01"})
    void aRevisionDatedFrom2026_07_28IsModern(String version) {
        assertThat(ProtocolVersion.isModern(version)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "v999", "latest", "2026-7-28", "2027-01-01x", " 2026-07-28", "2025-11-25",
            "2024-11-05", "1.0"})
    void aValueThatNamesNoModernRevisionIsNotModern(String version) {
        assertThat(ProtocolVersion.isModern(version)).isFalse();
    }
}
