package dev.toolgate.mcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Opaque pagination cursors: what we hand out comes back intact; anything else is rejected. */
class CursorTest {

    private static String opaque(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encodedCursorDecodesToTheSameCursor() {
        Cursor cursor = new Cursor("3fa9c2d1e0b4a5f6", 500);

        assertThat(Cursor.decode(cursor.encode())).contains(cursor);
    }

    @Test
    void fingerprintMayContainColons() {
        Cursor cursor = new Cursor("v1:abc", 1000);

        assertThat(Cursor.decode(cursor.encode())).contains(cursor);
    }

    @Test
    void encodedFormIsUrlSafeWithoutPadding() {
        assertThat(new Cursor("a?b>c~", 1).encode()).matches("[A-Za-z0-9_-]+");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "!!!not base64!!!", "abc", "====", "c29tZXRoaW5n"})
    void garbageIsRejected(String garbage) {
        assertThat(Cursor.decode(garbage)).isEmpty();
    }

    @Test
    void cursorWithoutAFingerprintOrAValidOffsetIsRejected() {
        assertThat(Cursor.decode(opaque(":5"))).isEmpty();
        assertThat(Cursor.decode(opaque("f:-1"))).isEmpty();
        assertThat(Cursor.decode(opaque("f:ten"))).isEmpty();
        assertThat(Cursor.decode(opaque("f:99999999999"))).isEmpty();
        assertThat(Cursor.decode(opaque("f:"))).isEmpty();
    }

    @Test
    void zeroOffsetIsAValidCursor() {
        assertThat(Cursor.decode(opaque("f:0"))).contains(new Cursor("f", 0));
    }
}
