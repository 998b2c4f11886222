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

    /**
     * Query argument names that carry a credential in a URL but mean other things as JSON fields (a JSON-RPC
     * error's {@code code}): an Azure Storage SAS signature ({@code sig}), an Azure Functions key ({@code code}).
     */
    private static final Set<String> SECRET_QUERY_ARGUMENTS = Set.of("sig", "code");

    /** Names already judged: header and field names repeat, so each is split once (bounded). */
    private static final ConcurrentHashMap<String, Boolean> JUDGED = new ConcurrentHashMap<>();
    private static final int MAX_JUDGED = 4096;
    /** Longer names are judged each time, not kept: any client sends any name, up to the header limit. */
    public static final int MAX_KEPT_NAME_LENGTH = 64;
    private static final Pattern PARTS = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");

    /**
     * The last words of secret-sounding field names that say what or where a secret is, not what it is: names
     * ({@code key_names}, the headers a key is read from; {@code key_claim_name}), a claim path
     * ({@code access_token_claim_field}), claims ({@code credential_claim}), a header's name
     * ({@code actor_token_header}), where a token is taken from ({@code actor_token_source}), a token type URN
     * ({@code subject_token_type}), and URLs ({@code token_endpoint}, {@code authorization_servers}), whose
     * userinfo is masked like any URL's. The Admin API is of no use without them.
     */
    private static final Set<String> DESCRIBING_WORDS = Set.of("name", "names", "field", "claim", "header", "source",
            "type", "endpoint", "servers", "url", "uri");

    private SecretNames() {
    }

    /**
     * True when a config field of this name ({@code client_secret} or {@code clientSecret}) holds a secret: its
     * name reads like one and its last word is not one of {@link #DESCRIBING_WORDS}.
     */
    public static boolean secretField(String name) {
        String[] parts = PARTS.split(name);
        return secret(name) && !DESCRIBING_WORDS.contains(parts[parts.length - 1].toLowerCase(Locale.ROOT));
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

    /**
     * True when a URL query argument of this name may hold a secret: one {@link #secret} judges so, or one of
     * {@link #SECRET_QUERY_ARGUMENTS} ({@code ?sig=}, {@code ?code=}), which only a URL makes secret.
     */
    public static boolean secretQueryArgument(String name) {
        return secret(name) || SECRET_QUERY_ARGUMENTS.contains(name.toLowerCase(Locale.ROOT));
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
