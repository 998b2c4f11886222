package dev.toolgate.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Session state sealed into ids: AES-GCM, keys from every secret, the endpoint as associated data. */
class SessionCipherTest {

    private static final byte[] STATE = "{\"v\":\"2025-06-18\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void anIdOpensOnlyForItsEndpointAndIsVisibleAscii() {
        SessionCipher cipher = new SessionCipher(List.of("first-secret"), new Random(1));
        String id = cipher.seal(STATE, "route-a");

        assertThat(id).matches("t1\\.[A-Za-z0-9_-]+");
        assertThat(cipher.open(id, "route-a").plaintext()).isEqualTo(STATE);
        assertThat(cipher.open(id, "route-b")).isNull();
    }

    @Test
    void anySecretOpensAndTheFirstSeals() {
        SessionCipher old = new SessionCipher(List.of("old-secret"), new Random(1));
        SessionCipher rotated = new SessionCipher(List.of("new-secret", "old-secret"), new Random(2));
        SessionCipher retired = new SessionCipher(List.of("new-secret"), new Random(3));

        String fromOld = old.seal(STATE, "r");
        assertThat(rotated.open(fromOld, "r")).isNotNull();
        assertThat(retired.open(fromOld, "r")).isNull();
        assertThat(old.open(rotated.seal(STATE, "r"), "r")).isNull();
    }

    @Test
    void alteredTruncatedOrForeignIdsDoNotOpen() {
        SessionCipher cipher = new SessionCipher(List.of("first-secret"), new Random(1));
        String id = cipher.seal(STATE, "r");
        char last = id.charAt(id.length() - 5);
        String altered = id.substring(0, id.length() - 5) + (last == 'A' ? 'B' : 'A') + id.substring(id.length() - 4);

        assertThat(cipher.open(altered, "r")).isNull();
        assertThat(cipher.open(id.substring(0, id.length() - 3), "r")).isNull();
        assertThat(cipher.open("t1.", "r")).isNull();
        assertThat(cipher.open("t1.!!!", "r")).isNull();
        assertThat(cipher.open("AbCdEfGhIjKlMnOpQrStUv", "r")).isNull();
    }

    @Test
    void theNonceNamesTheSessionAndDiffersPerSeal() {
        SessionCipher cipher = new SessionCipher(List.of("first-secret"), new Random(1));
        String one = cipher.seal(STATE, "r");
        String two = cipher.seal(STATE, "r");

        assertThat(one).isNotEqualTo(two);
        assertThat(cipher.open(one, "r").nonce()).isNotEqualTo(cipher.open(two, "r").nonce());
    }
}
