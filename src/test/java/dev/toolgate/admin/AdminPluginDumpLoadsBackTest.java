package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Redacted;
import dev.toolgate.config.YamlInput;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Admin API shows for each plugin of golden/kong.yaml ({@code GET /plugins}, the shape a decK dump holds)
 * loads back through the config reader to the same settings, once the masked secrets are supplied again: a dump
 * of a running gateway must be a file the gateway takes.
 */
class AdminPluginDumpLoadsBackTest {

    @Test
    void everyGoldenPluginAsShownLoadsBackToTheSameSettings() throws IOException {
        ObjectNode file = (ObjectNode) YamlInput.readWithoutAliases(YamlInput.mapper(Integer.MAX_VALUE, true),
                goldenFile());
        DeclarativeConfig config = load(file);
        ObjectNode dumped = file.deepCopy();
        List<ObjectNode> shown = new ArrayList<>();
        for (Plugin plugin : config.plugins()) {
            ObjectNode rendered = AdminJson.plugin(plugin, config.referenceBySecret());
            shown.add(rendered);
            JsonNode written = file.at(pointer(plugin.source()));
            ObjectNode entry = (ObjectNode) dumped.at(pointer(plugin.source()));
            entry.set("config", resupplied(rendered.get("config").deepCopy(), written.path("config")));
            entry.set("protocols", rendered.get("protocols"));
        }

        DeclarativeConfig loaded;
        try {
            loaded = load(dumped);
        } catch (InvalidConfigException refused) {
            throw new AssertionError("the dumped plugins do not load back: " + refused.getMessage(), refused);
        }

        assertThat(config.plugins()).isNotEmpty();
        assertThat(loaded.plugins().stream().map(p -> AdminJson.plugin(p, loaded.referenceBySecret())).toList())
                .as("each plugin as shown after loading its dump back").isEqualTo(shown);
    }

    private static byte[] goldenFile() throws IOException {
        try (InputStream in = AdminPluginDumpLoadsBackTest.class.getResourceAsStream("/golden/kong.yaml")) {
            return in.readAllBytes();
        }
    }

    private static DeclarativeConfig load(JsonNode document) throws IOException {
        return Gateway.check(Json.MAPPER.writeValueAsBytes(document), Path.of("").toAbsolutePath(),
                AdminJsonGoldenTest.ENVIRONMENT::get).config();
    }

    /** {@code services[0].routes[1].plugins[0]} as a JSON pointer. */
    private static String pointer(String source) {
        return "/" + source.replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
    }

    /** The shown config with each masked string replaced by what the file wrote there: the operator supplies it. */
    private static JsonNode resupplied(JsonNode shown, JsonNode written) {
        if (shown instanceof ObjectNode object) {
            object.properties().forEach(field ->
                    field.setValue(resupplied(field.getValue(), written.path(field.getKey()))));
        } else if (shown instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, resupplied(array.get(i), written.path(i)));
            }
        } else if (shown.isTextual() && shown.asText().contains(Redacted.MASK)) {
            assertThat(written.isTextual()).as("the file's value where %s is shown", shown).isTrue();
            return TextNode.valueOf(written.asText());
        }
        return shown;
    }
}
