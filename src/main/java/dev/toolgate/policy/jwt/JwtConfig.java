package dev.toolgate.policy.jwt;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.policy.Realm;

import java.util.List;

/**
 * The {@code config} of Kong's {@code jwt} plugin, with Kong's names and defaults: tokens signed with
 * a secret or key registered on a consumer ({@code jwt_secrets}).
 *
 * @param uriParamNames     query arguments read for a token; default {@code [jwt]}
 * @param cookieNames       cookies read for a token; default none
 * @param headerNames       headers read for {@code Bearer <token>}; default {@code [authorization]}
 * @param claimsToVerify    registered claims checked: {@code exp} (not expired), {@code nbf} (already
 *                          valid); default none
 * @param keyClaimName      the claim (or header field) naming the consumer's {@code jwt_secrets} key;
 *                          default {@code iss}
 * @param secretIsBase64    HMAC secrets are base64-encoded (standard or URL-safe, as Kong reads them); default false
 * @param anonymous         consumer id or username used when authentication fails, instead of a 401;
 *                          default none
 * @param runOnPreflight    authenticate {@code OPTIONS} preflight requests too; default true
 * @param maximumExpiration seconds a token may still be valid for at most ({@code exp} at most this far
 *                          ahead; needs {@code exp} in {@code claims_to_verify}); 0 for no limit; default 0
 * @param realm             the realm of the {@code WWW-Authenticate: Bearer} challenge; default none
 */
public record JwtConfig(List<String> uriParamNames, List<String> cookieNames, List<String> headerNames,
                        List<String> claimsToVerify, String keyClaimName, boolean secretIsBase64, String anonymous,
                        boolean runOnPreflight, long maximumExpiration, String realm) implements PluginSettings {

    public JwtConfig {
        uriParamNames = List.copyOf(uriParamNames);
        cookieNames = List.copyOf(cookieNames);
        headerNames = List.copyOf(headerNames);
        claimsToVerify = List.copyOf(claimsToVerify);
    }

    static JwtConfig read(ConfigNode node) {
        List<String> claims = node.texts("claims_to_verify");
        for (int i = 0; i < claims.size(); i++) {
            if (!claims.get(i).equals("exp") && !claims.get(i).equals("nbf")) {
                node.report().problem(node.path("claims_to_verify") + "[" + i + "]", "must be exp or nbf");
            }
        }
        long maximum = node.integer("maximum_expiration", 0, 0, 31_536_000);
        if (maximum > 0 && !claims.contains("exp")) {
            node.problem("maximum_expiration", "needs exp in claims_to_verify (as in Kong)");
        }
        JwtConfig config = new JwtConfig(node.has("uri_param_names") ? node.texts("uri_param_names") : List.of("jwt"),
                node.texts("cookie_names"),
                node.has("header_names") ? node.texts("header_names") : List.of("authorization"), claims,
                node.text("key_claim_name", "iss"), node.bool("secret_is_base64", false), node.text("anonymous", null),
                node.bool("run_on_preflight", true), maximum, Realm.read(node));
        node.finish();
        return config;
    }
}
