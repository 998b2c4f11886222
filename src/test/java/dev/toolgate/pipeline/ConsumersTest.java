package dev.toolgate.pipeline;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The document's consumers as authentication looks them up: by key, id, username, custom id, and their groups. */
class ConsumersTest {

    static final Consumers CONSUMERS = new Consumers(Configs.load("""
            _format_version: "3.0"
            consumer_groups: [{name: gold}, {name: silver}]
            consumers:
              - id: 3b1f0b7e-5a2c-4c43-9a8e-0d6f7f1e2a10
                username: ann
                custom_id: crm-1
                groups: [{name: gold}, {name: silver}]
                keyauth_credentials: [{id: 6e0c9a44-1d9e-4b6e-8f7a-2b3c4d5e6f70, key: ann-key}, {key: "clé-ünïcode"}]
              - {username: bob, keyauth_credentials: [{key: bob-key}]}
            """).config());

    @Test
    void aKeyFindsItsConsumerAndCredentialExactly() {
        var found = CONSUMERS.byKey("ann-key").orElseThrow();
        assertThat(found.consumer().username()).isEqualTo("ann");
        assertThat(found.credentialId()).isEqualTo("6e0c9a44-1d9e-4b6e-8f7a-2b3c4d5e6f70");
        assertThat(CONSUMERS.byKey("clé-ünïcode").orElseThrow().consumer().username()).isEqualTo("ann");
        assertThat(CONSUMERS.byKey("bob-key").orElseThrow().consumer().username()).isEqualTo("bob");
        for (String wrong : new String[] {"ANN-KEY", "ann-key ", "ann-ke", "", "cle-unicode"}) {
            assertThat(CONSUMERS.byKey(wrong)).as(wrong).isEmpty();
        }
    }

    @Test
    void consumersAreFoundByIdUsernameAndCustomId() {
        assertThat(CONSUMERS.byIdOrUsername("3b1f0b7e-5a2c-4c43-9a8e-0d6f7f1e2a10").orElseThrow().username()).isEqualTo("ann");
        assertThat(CONSUMERS.byIdOrUsername("bob").orElseThrow().username()).isEqualTo("bob");
        assertThat(CONSUMERS.byIdOrUsername("carol")).isEmpty();
        assertThat(CONSUMERS.byCustomId("crm-1").orElseThrow().username()).isEqualTo("ann");
        assertThat(CONSUMERS.byUsername("crm-1")).isEmpty();
    }

    @Test
    void aPrincipalCarriesGroupNamesAndWhetherACredentialIdentifiedIt() {
        var ann = CONSUMERS.byUsername("ann").orElseThrow();
        Principal identified = CONSUMERS.principal(ann, new Principal.Credential("c", "key-auth"));
        assertThat(identified.consumerGroups()).containsExactly("gold", "silver");
        assertThat(identified.authenticated()).isTrue();
        assertThat(identified.anonymous()).isFalse();

        Principal fallback = CONSUMERS.principal(CONSUMERS.byUsername("bob").orElseThrow(), null);
        assertThat(fallback.anonymous()).isTrue();
        assertThat(fallback.authenticated()).isFalse();
        assertThat(fallback.consumerGroups()).isEmpty();
    }
}
