package dev.toolgate.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/**
 * A Kong Consumer: an identity that authentication plugins map callers to. Credentials are never
 * shown by the Admin API.
 *
 * @param id                   UUID; derived when absent
 * @param username             unique user name (this or {@code custom_id} is required)
 * @param customId             unique id from another system
 * @param tags                 free-form labels
 * @param groupIds             ids of the consumer groups the consumer belongs to ({@code groups: [{name}]})
 * @param keyauthCredentials   API keys ({@code key-auth})
 * @param jwtSecrets           JWT signing keys ({@code jwt})
 * @param basicauthCredentials user name and password pairs ({@code basic-auth})
 * @param acls                 ACL group memberships ({@code acl})
 * @param source               where the entity is in the file
 */
public record Consumer(String id, String username, String customId, List<String> tags,
                       @JsonIgnore List<String> groupIds, @JsonIgnore List<KeyAuth> keyauthCredentials,
                       @JsonIgnore List<JwtSecret> jwtSecrets, @JsonIgnore List<BasicAuth> basicauthCredentials,
                       @JsonIgnore List<AclGroup> acls, @JsonIgnore String source) {

    public Consumer {
        tags = List.copyOf(tags);
        groupIds = List.copyOf(groupIds);
        keyauthCredentials = List.copyOf(keyauthCredentials);
        jwtSecrets = List.copyOf(jwtSecrets);
        basicauthCredentials = List.copyOf(basicauthCredentials);
        acls = List.copyOf(acls);
    }

    /** A {@code keyauth_credentials} entry. */
    public record KeyAuth(String id, String key, List<String> tags) {
        /** Its secrets masked: a message or log line that quotes it must not carry them. */
        @Override
        public String toString() {
            return Redacted.describe(this);
        }
    }

    /** A {@code jwt_secrets} entry: {@code key} is matched against the token's issuer claim. */
    public record JwtSecret(String id, String key, String secret, String algorithm, String rsaPublicKey) {
        /** Its secrets masked: a message or log line that quotes it must not carry them. */
        @Override
        public String toString() {
            return Redacted.describe(this);
        }
    }

    /** A {@code basicauth_credentials} entry. */
    public record BasicAuth(String id, String username, String password) {
        /** Its secrets masked: a message or log line that quotes it must not carry them. */
        @Override
        public String toString() {
            return Redacted.describe(this);
        }
    }

    /** An {@code acls} entry: membership of an ACL group. */
    public record AclGroup(String id, String group, List<String> tags) {
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
