package dev.toolgate.config;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The one judgement of which names read like secrets ({@code api_key}, {@code x-token}, {@code password},
 * {@code Set-Cookie}...), shared by what logs show and what the Admin API shows. It lives here, with the
 * config records, because both observation and the Admin API depend on this package and not on each other.
 */
public final class SecretNames {

    private static final Set<String> ALWAYS = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");
    /** Words that make a name secret when they are one of its parts ({@code x-api-key}, {@code apiKey}). */
    private static final Set<String> SECRET_WORDS = Set.of("key", "apikey", "token", "secret", "password", "passwd",
            "pwd", "passphrase", "credential", "credentials", "auth", "authorization", "authentication", "signature",
            "jwt", "bearer",
            "cookie", "sid");
    /** Runs of letters that make a name secret wherever they are in it ({@code clientsecret}, {@code x_auth_token}). */
    private static final String[] SECRET_STEMS = {"apikey", "token", "secret", "password", "passwd", "credential",
            "privatekey"};

    /** Names already judged: header and field names repeat, so each is split once (bounded). */
    private static final ConcurrentHashMap<String, Boolean> JUDGED = new ConcurrentHashMap<>();
    private static final int MAX_JUDGED = 4096;
    /** Longer names are judged each time, not kept: any client sends any name, up to the header limit. */
    public static final int MAX_KEPT_NAME_LENGTH = 64;
    private static final Pattern PARTS = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");

    private SecretNames() {
    }

    /** True when a header, query argument, JSON field or config map key of this name may hold a secret. */
    public static boolean secret(String name) {
        Boolean known = JUDGED.get(name);
        if (known != null) {
            return known;
        }
        boolean secret = judge(name);
        if (name.length() <= MAX_KEPT_NAME_LENGTH && JUDGED.size() < MAX_JUDGED) {
            JUDGED.put(name, secret);
        }
        return secret;
    }

    private static boolean judge(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (ALWAYS.contains(n)) {
            return true;
        }
        for (String part : PARTS.split(name)) {
            if (SECRET_WORDS.contains(part.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        String compact = n.replaceAll("[^a-z0-9]", "");
        for (String stem : SECRET_STEMS) {
            if (compact.contains(stem)) {
                return true;
            }
        }
        return false;
    }
}
