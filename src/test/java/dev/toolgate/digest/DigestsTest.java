package dev.toolgate.digest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The digests are the standard ones (FIPS 180-4's examples), of a text's UTF-8: keys already in Redis, session
 * ids already handed out and configuration hashes already reported name things by them.
 */
class DigestsTest {

    @Test
    void sha256IsTheStandardDigestOfATextsUtf8() {
        assertThat(Digests.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Digests.sha256Hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Digests.sha256("é")).isEqualTo(Digests.sha256("é".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(Digests.sha256("é".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(HexFormat.of().formatHex(Digests.sha256("abc".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(Digests.sha256Hex("abc"));
    }

    @Test
    void sha1IsTheStandardDigestOfATextsUtf8AsRedisNamesAScript() {
        assertThat(Digests.sha1Hex("abc")).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(Digests.sha1Hex("return 1")).isEqualTo("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    }
}
