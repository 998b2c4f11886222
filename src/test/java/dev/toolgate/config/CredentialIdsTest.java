package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A credential the file gives no id keeps the one it has while it stays: sessions, counts by
 * credential and {@code X-Credential-Identifier} hang on it, so edits to other consumers or to the
 * consumer's other credentials must not move it, and a key-auth key (the secret) must not be readable from it.
 */
class CredentialIdsTest {

    private static final String ALICE = "  - username: alice\n"
            + "    keyauth_credentials: [{key: alice-key-0001}]\n"
            + "    acls: [{group: staff}]\n";
    private static final String CAROL = "  - username: carol\n"
            + "    keyauth_credentials: [{key: carol-key-0001}, {key: carol-key-0002}]\n"
            + "    jwt_secrets: [{key: carol-issuer, secret: carol-jwt-secret-0000000000000000}]\n"
            + "    basicauth_credentials: [{username: carol-basic, password: carol-password}]\n"
            + "    acls: [{group: staff}, {group: ops}]\n";
    private static final String ZED = "  - username: zed\n"
            + "    keyauth_credentials: [{key: zed-key-0001}]\n"
            + "    acls: [{group: staff}]\n";

    private static String document(String... consumers) {
        return "_format_version: \"3.0\"\nconsumers:\n" + String.join("", consumers);
    }

    /** Every credential's id, by its consumer and where it is in that consumer's lists. */
    private static Map<String, String> credentialIds(String document) {
        var loaded = load(document);
        assertThat(loaded.problems()).isEmpty();
        Map<String, String> ids = new LinkedHashMap<>();
        for (Consumer consumer : loaded.config().consumers()) {
            String who = consumer.username();
            consumer.keyauthCredentials().forEach(k -> ids.put(who + " key-auth " + k.key(), k.id()));
            consumer.jwtSecrets().forEach(j -> ids.put(who + " jwt " + j.key(), j.id()));
            consumer.basicauthCredentials().forEach(b -> ids.put(who + " basic-auth " + b.username(), b.id()));
            consumer.acls().forEach(a -> ids.put(who + " acl " + a.group(), a.id()));
        }
        return ids;
    }

    private static Map<String, String> of(String consumer, Map<String, String> ids) {
        Map<String, String> theirs = new LinkedHashMap<>(ids);
        theirs.keySet().removeIf(k -> !k.startsWith(consumer + " "));
        return theirs;
    }

    @Test
    void aConsumerAddedBeforeOthersLeavesTheirCredentialIdsAsTheyWere() {
        Map<String, String> before = credentialIds(document(ALICE, CAROL));
        Map<String, String> after = credentialIds(document(ZED, ALICE, CAROL));

        assertThat(of("alice", after)).isEqualTo(of("alice", before));
        assertThat(of("carol", after)).isEqualTo(of("carol", before)).hasSize(6);
    }

    @Test
    void removingOrReorderingConsumersLeavesTheOthersCredentialIdsAsTheyWere() {
        Map<String, String> before = credentialIds(document(ALICE, ZED, CAROL));

        Map<String, String> removed = credentialIds(document(ALICE, CAROL));
        assertThat(of("carol", removed)).isEqualTo(of("carol", before));

        Map<String, String> reordered = credentialIds(document(CAROL, ZED, ALICE));
        assertThat(reordered).containsExactlyInAnyOrderEntriesOf(before);
    }

    @Test
    void aBasicAuthCredentialOrAclMovedWithinItsConsumerKeepsItsId() {
        Map<String, String> before = credentialIds(document(CAROL));
        Map<String, String> after = credentialIds(document(CAROL
                .replace("[{group: staff}, {group: ops}]", "[{group: ops}, {group: staff}, {group: new}]")
                .replace("basicauth_credentials: [", "basicauth_credentials: [{username: other, password: p}, ")));

        assertThat(after).containsAllEntriesOf(before);
    }

    @Test
    void credentialsOfTwoConsumersNeverShareAnId() {
        Map<String, String> ids = credentialIds(document(ALICE, CAROL, ZED));

        assertThat(ids.values()).doesNotHaveDuplicates().hasSize(ids.size());
        assertThat(ids.get("alice acl staff")).isNotEqualTo(ids.get("zed acl staff"));
        assertThat(ids.get("alice key-auth alice-key-0001")).isNotEqualTo(ids.get("zed key-auth zed-key-0001"));
    }

    @Test
    void aKeyAuthIdIsADigestOfItsConsumerAndKeyThatNeverShowsTheKey() {
        Map<String, String> before = credentialIds(document(ALICE));
        Map<String, String> other = credentialIds(document(ALICE.replace("alice-key-0001", "another-key-0002")));
        Map<String, String> moved = credentialIds(document(ALICE.replace("username: alice", "username: alicia")));

        String id = before.get("alice key-auth alice-key-0001");
        assertThat(other.get("alice key-auth another-key-0002")).isNotEqualTo(id);
        assertThat(moved.get("alicia key-auth alice-key-0001")).isNotEqualTo(id);
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .doesNotContain("alice-key").doesNotContain("0001");
        assertThat(List.of(EntityIds.derive("keyauth_credential", "alice-key-0001"), EntityIds.derive(
                "keyauth_credential", "alice:alice-key-0001"))).doesNotContain(id);
    }

    @Test
    void removingOrAddingAKeyLeavesTheConsumersOtherKeysTheirIds() {
        Map<String, String> before = credentialIds(document(CAROL));
        Map<String, String> revoked = credentialIds(document(CAROL.replace("{key: carol-key-0001}, ", "")));
        Map<String, String> rotated = credentialIds(document(CAROL.replace("[{key: carol-key-0001}, ",
                "[{key: carol-key-0003}, {key: carol-key-0001}, ")));

        assertThat(revoked.get("carol key-auth carol-key-0002")).isEqualTo(before.get("carol key-auth carol-key-0002"));
        assertThat(revoked.values()).doesNotContain(before.get("carol key-auth carol-key-0001"));
        assertThat(rotated).containsAllEntriesOf(before);
    }

    @Test
    void anIdGivenInTheFileIsKeptWhereverTheCredentialIs() {
        String given = "  - username: bob\n"
                + "    keyauth_credentials: [{key: bob-key-0001, id: 6F1C2D3E-0000-4000-8000-000000000001}]\n"
                + "    acls: [{group: staff, id: 6f1c2d3e-0000-4000-8000-000000000002}]\n";

        Map<String, String> ids = credentialIds(document(ZED, given));

        assertThat(ids).containsEntry("bob key-auth bob-key-0001", "6f1c2d3e-0000-4000-8000-000000000001")
                .containsEntry("bob acl staff", "6f1c2d3e-0000-4000-8000-000000000002");
    }

    @Test
    void aGroupListedTwiceOnOneConsumerGetsTwoIds() {
        var consumer = load(document("  - {username: dana, acls: [{group: staff}, {group: staff}]}\n"))
                .config().consumers().getFirst();

        assertThat(consumer.acls()).extracting(Consumer.AclGroup::id).doesNotHaveDuplicates();
    }
}
