package dev.toolgate.mode.acl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Consumer;
import dev.toolgate.mcp.Json;
import dev.toolgate.pipeline.Principal;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ACL subjects read from an access token's claims ({@code acl_attribute_type: oauth_access_token}):
 * a jq-style path into nested objects, every element of an array, a {@code scope} string split on
 * spaces, and nothing for a missing claim.
 */
class AclSubjectTest {

    static final JsonNode CLAIMS = claims("""
            {"sub": "u-1", "scope": "  tools:read   tools:write ", "scp": ["orders:read"],
             "user": {"email": "ann@example.com", "roles": ["admin", "auditor", 7], "age": 41, "nested": {"deep": null}},
             "groups": "not split: only scopes are"}""");

    @Test
    void aPathReachesIntoNestedObjects() {
        assertThat(values(".user.email")).containsExactly("ann@example.com");
        assertThat(values(".user.age")).containsExactly("41");
        assertThat(values(".sub")).containsExactly("u-1");
    }

    @Test
    void anArrayClaimMatchesAnyOfItsElements() {
        assertThat(values(".user.roles")).containsExactly("admin", "auditor", "7");
        AclSubject subject = subject(".user.roles");
        ToolAcl auditors = new ToolAcl(new dev.toolgate.mode.AclRule("tools", List.of("auditor"), List.of()), false, false);
        assertThat(auditors.evaluate(subject).allowed()).isTrue();
        assertThat(auditors.evaluate(subject).match()).isEqualTo(new AclSubject.Match("auditor", "claim"));
    }

    @Test
    void scopeStringsAreSplitOnSpacesAndOtherStringsAreNot() {
        assertThat(values(".scope")).containsExactly("tools:read", "tools:write");
        assertThat(values(".scp")).containsExactly("orders:read");
        assertThat(values(".groups")).containsExactly("not split: only scopes are");
    }

    @Test
    void aMissingOrNullClaimGivesNoValueAndNobodyToMatch() {
        assertThat(values(".user.phone")).isEmpty();
        assertThat(values(".user.nested.deep")).isEmpty();
        assertThat(values(".missing.path.below")).isEmpty();
        assertThat(subject(".user.phone").nobody()).isTrue();
        assertThat(AclSubject.of(new Principal(null, List.of(), null, null, List.of(), false),
                rules(".user.email")).claims()).isEmpty();
    }

    @Test
    void subjectsThatDifferOnlyInHowTheirValuesSplitDoNotShareWhatTheyMaySee() {
        AclSubject oneValue = new AclSubject(null, null, "claim", List.of(), List.of("admin, developer"));
        AclSubject twoValues = new AclSubject(null, null, "claim", List.of(), List.of("admin", "developer"));
        AclSubject oneGroup = new AclSubject(null, null, "custom_id", List.of("gold, silver"), List.of());
        AclSubject twoGroups = new AclSubject(null, null, "custom_id", List.of("gold", "silver"), List.of());
        AclSubject nullIdentifier = new AclSubject(null, null, "username", List.of(), List.of());
        AclSubject textNull = new AclSubject(null, "null", "username", List.of(), List.of());

        assertThat(oneValue.key()).isNotEqualTo(twoValues.key());
        assertThat(oneGroup.key()).isNotEqualTo(twoGroups.key());
        assertThat(nullIdentifier.key()).isNotEqualTo(textNull.key());
        assertThat(twoGroups.key()).isEqualTo(new AclSubject(null, null, "custom_id", List.of("gold", "silver"), List.of()).key());
    }

    @Test
    void aConsumerWithoutTheIdentifierAndNoConsumerAtAllDoNotShareWhatTheyMaySee() {
        // bob has a username and no custom_id; the other caller's token named no consumer (consumer_optional)
        Consumer bob = new Consumer("c-bob", "bob", null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                null);
        AclSubject identified = new AclSubject(bob, null, "custom_id", List.of(), List.of());
        AclSubject nobody = new AclSubject(null, null, "custom_id", List.of(), List.of());

        assertThat(nobody.nobody()).as("refused by every ACL, as Kong refuses a caller nobody identified").isTrue();
        assertThat(identified.nobody()).isFalse();
        assertThat(identified.key()).isNotEqualTo(nobody.key());
    }

    static List<String> values(String path) {
        return subject(path).claims();
    }

    static AclSubject subject(String path) {
        return AclSubject.of(new Principal(null, List.of(), new Principal.Credential("t", "jwt"), CLAIMS, List.of(), false),
                rules(path));
    }

    static SubjectRules rules(String path) {
        return new SubjectRules("username", List.of(path.substring(1).split("\\.")));
    }

    static JsonNode claims(String json) {
        try {
            return Json.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
