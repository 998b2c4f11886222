package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Redacted;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A representative Kong file, normalized and rendered as the Admin API shows it, compared with
 * {@code golden/admin.json}. To rewrite the golden file after an intended change, run with
 * {@code -Dgolden.update=true} and review the diff.
 */
class AdminJsonGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden/admin.json");
    private static final ObjectMapper PRETTY = Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    /** What the vault references and decK templates of golden/kong.yaml resolve to. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "ALICE_KEY", "alice-vault-api-key",
            "SESSION_SECRET", "session-secret-from-env",
            "USERS_API_KEY", "users-upstream-api-key",
            "ORDERS_HOST", "orders.internal",
            "REDIS_PASSWORD", "redis-password-from-env",
            "DECK_ORDERS_TEAM", "orders-team-from-deck");

    /** Every secret in golden/kong.yaml, resolved or literal. */
    private static final List<String> SECRETS = List.of("alice-vault-api-key", "session-secret-from-env",
            "users-upstream-api-key", "redis-password-from-env", "alice-literal-api-key", "alice-basic-password",
            "alice-jwt-hmac-secret-at-least-32-bytes", "literal-session-secret", "literal-query-token", "orders-team-from-deck",
            "orders-oauth-client-secret", "orders-oauth-header-secret", "literal-transformer-token",
            "literal-otel-token", "literal-http-log-token");

    private static DeclarativeConfig config;
    private static ObjectNode rendered;

    @BeforeAll
    static void renderTheRepresentativeFile() throws IOException {
        byte[] document;
        try (InputStream in = AdminJsonGoldenTest.class.getResourceAsStream("/golden/kong.yaml")) {
            document = in.readAllBytes();
        }
        config = Gateway.check(document, Path.of("").toAbsolutePath(), ENVIRONMENT::get).config();
        rendered = Json.object();
        add("services", config.services(), s -> AdminJson.render(s, config.referenceBySecret()));
        add("routes", config.routes(), r -> AdminJson.render(r, config.referenceBySecret()));
        add("plugins", config.plugins(), p -> AdminJson.plugin(p, config.referenceBySecret()));
        add("consumers", config.consumers(), c -> AdminJson.render(c, config.referenceBySecret()));
        add("consumer_groups", config.consumerGroups(), g -> AdminJson.render(g, config.referenceBySecret()));
    }

    private static <T> void add(String kind, List<T> entities, Function<T, ObjectNode> render) {
        rendered.putArray(kind).addAll(entities.stream().map(render).toList());
    }

    @Test
    void renderedEntitiesMatchTheGoldenFile() throws IOException {
        String text = PRETTY.writeValueAsString(rendered) + "\n";
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN, text, StandardCharsets.UTF_8);
        }
        JsonNode golden = Json.MAPPER.readTree(Files.readString(GOLDEN, StandardCharsets.UTF_8));

        assertThat(text).as("rendered entities (rerun with -Dgolden.update=true to rewrite %s)", GOLDEN)
                .isEqualTo(PRETTY.writeValueAsString(golden) + "\n");
    }

    @Test
    void noSecretValueAppearsAnywhereInTheRenderedEntities() throws IOException {
        String text = Json.MAPPER.writeValueAsString(rendered);

        assertThat(SECRETS).allSatisfy(secret -> assertThat(text).doesNotContain(secret));
        assertThat(text).doesNotContain("orders.internal");
    }

    @Test
    void vaultResolvedValuesAreShownAsTheirReferences() {
        JsonNode orders = rendered.get("services").get(1);

        assertThat(config.services().get(1).host()).isEqualTo("orders.internal");
        assertThat(orders.get("host").asText()).isEqualTo("{vault://env/orders-host}");
    }

    @Test
    void literalSecretFieldsAreMaskedAndThoseWrittenAsVaultReferencesShowTheReference() {
        JsonNode users = proxy("client").get("config");
        JsonNode orders = proxy("redis").get("config");

        assertThat(users.at("/server/session/client/secrets").toString())
                .isEqualTo("[\"{vault://env/session-secret}\",\"" + Redacted.MASK + "\"]");
        assertThat(users.at("/tools/0/headers/X-Api-Key/0").asText()).isEqualTo("{vault://env/users-api-key}");
        assertThat(users.at("/tools/0/query/token/0").asText()).isEqualTo(Redacted.MASK);
        assertThat(orders.at("/server/session/redis/password").asText()).isEqualTo("{vault://env/redis-password}");
    }

    /** The ai-mcp-proxy plugin whose sessions use this strategy. */
    private static JsonNode proxy(String sessionStrategy) {
        return rendered.get("plugins").valueStream().filter(p -> p.get("name").asText().equals("ai-mcp-proxy"))
                .filter(p -> p.at("/config/server/session/strategy").asText().equals(sessionStrategy))
                .findFirst().orElseThrow();
    }

    @Test
    void consumersAreShownWithoutTheirCredentials() {
        assertThat(rendered.get("consumers")).allSatisfy(consumer -> assertThat(consumer.propertyStream()
                .map(Map.Entry::getKey)).containsExactlyInAnyOrder("id", "username", "custom_id", "tags"));
    }

    @Test
    void everyEntityOfTheFileIsRendered() {
        assertThat(rendered.get("services")).hasSize(2);
        assertThat(rendered.get("routes")).hasSize(3);
        assertThat(rendered.get("plugins")).hasSize(17);
        assertThat(rendered.get("consumers")).hasSize(2);
        assertThat(rendered.get("consumer_groups")).hasSize(2);
    }
}
