package dev.toolgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-request protocol fields of 2026-07-28, and telling the eras apart. */
class ModernMetaTest {

    private static JsonNode json(String text) throws IOException {
        return Json.parse(text.getBytes());
    }

    @Test
    void aRequestWithAVersionInItsMetaClaimsTheModernEra() throws IOException {
        assertThat(ModernMeta.claimed(json("{\"method\":\"tools/list\",\"params\":{\"_meta\":"
                + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}"))).isTrue();
        assertThat(ModernMeta.claimed(json("{\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"}}")))
                .isFalse();
        assertThat(ModernMeta.claimed(json("[{\"method\":\"tools/list\"}]"))).isFalse();
    }

    @Test
    void theVersionAndClientCapabilitiesAreRequired() throws IOException {
        assertThatThrownBy(() -> ModernMeta.read(json("{}"))).hasMessageContaining("params._meta is required");
        assertThatThrownBy(() -> ModernMeta.read(json("{\"_meta\":{\"io.modelcontextprotocol/clientCapabilities\":{}}}")))
                .hasMessageContaining("protocolVersion\"] is required");
        assertThatThrownBy(() -> ModernMeta.read(json("{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"x\"}}")))
                .hasMessageContaining("clientCapabilities\"] is required (an object)");

        ModernMeta meta = ModernMeta.read(json("{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{}}}}"));
        assertThat(meta.protocolVersion()).isEqualTo("2026-07-28");
        assertThat(meta.declares("sampling")).isTrue();
        assertThat(meta.clientInfo()).as("clientInfo is optional").isNull();
    }

    @Test
    void aLegacyServerGetsTheParamsWithoutTheProtocolFieldsAndTheRestKept() throws IOException {
        ObjectNode params = (ObjectNode) json("{\"name\":\"echo\",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                + "\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},\"progressToken\":7}}");

        assertThat(ModernMeta.withoutProtocolFields(params).toString()).isEqualTo("{\"name\":\"echo\",\"_meta\":{\"progressToken\":7}}");
        assertThat(ModernMeta.withoutProtocolFields((ObjectNode) json("{\"_meta\":{\"io.modelcontextprotocol/logLevel\":"
                + "\"info\"}}")).toString()).isEqualTo("{}");
    }

    @Test
    void revisionsDatedAtOrAfterTheFirstModernRevisionAreModern() {
        assertThat(ProtocolVersion.isModern("2026-07-28")).isTrue();
        assertThat(ProtocolVersion.isModern("2027-01-01")).isTrue();
        assertThat(ProtocolVersion.isModern("v999.0.0")).as("names no revision").isFalse();
        assertThat(ProtocolVersion.isModern("2025-11-25")).isFalse();
        assertThat(ProtocolVersion.isModern("1.0")).isFalse();
        assertThat(ProtocolVersion.isModern(null)).isFalse();
        assertThat(ProtocolVersion.isServedModern("2027-01-01")).isFalse();
    }
}
