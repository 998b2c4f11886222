package dev.toolgate.cluster;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Seals session state into a session id ({@code strategy: client}): AES-256-GCM with a random 96-bit
 * nonce, the endpoint's id as associated data (an id from another endpoint does not open), and a
 * key derived with HKDF-SHA256 from each of {@code client.secrets}. The first secret seals; any opens,
 * so a secret can be rotated in front and retired later. An id is {@code t1.} and the URL-safe base64
 * of nonce and ciphertext: visible ASCII, as the transport requires.
 */
final class SessionCipher {

    static final String PREFIX = "t1.";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] SALT = "toolgate mcp session".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** What an id opened to: its plaintext, and its nonce (unique per session: what revocations name). */
    record Opened(byte[] plaintext, String nonce) {
    }

    private final List<SecretKey> keys;
    private final RandomGenerator random;

    SessionCipher(List<String> secrets, RandomGenerator random) {
        this.keys = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            keys.add(derive(secret));
        }
        this.random = random;
    }

    String seal(byte[] plaintext, String endpoint) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.getFirst(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(endpoint.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return PREFIX + ENCODER.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The plaintext, or null when the id was not sealed for this endpoint with one of the secrets. */
    Opened open(String id, String endpoint) {
        if (id == null || !id.startsWith(PREFIX) || id.length() > 8192) {
            return null;
        }
        byte[] raw;
        try {
            raw = DECODER.decode(id.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length < NONCE + TAG_BITS / 8) {
            return null;
        }
        GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, raw, 0, NONCE);
        for (SecretKey key : keys) {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, spec);
                cipher.updateAAD(endpoint.getBytes(StandardCharsets.UTF_8));
                byte[] plain = cipher.doFinal(raw, NONCE, raw.length - NONCE);
                return new Opened(plain, ENCODER.encodeToString(java.util.Arrays.copyOf(raw, NONCE)));
            } catch (AEADBadTagException e) {
                // not this secret (or altered): try the next one
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is unavailable", e);
            }
        }
        return null;
    }

    private static SecretKey derive(String secret) {
        try {
            KDF hkdf = KDF.getInstance("HKDF-SHA256");
            return hkdf.deriveKey("AES", HKDFParameterSpec.ofExtract()
                    .addIKM(secret.getBytes(StandardCharsets.UTF_8)).addSalt(SALT)
                    .thenExpand("aes-256-gcm".getBytes(StandardCharsets.UTF_8), 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is unavailable", e);
        }
    }
}
