package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configuration with as many decK-templated values as consumers: the Admin API lists them all, each
 * template shown in place of its value, without testing every string against every secret.
 */
class AdminManySecretsIT {

    private static final int CONSUMERS = 20_000;

    @Test
    @Timeout(120)
    void twentyThousandTemplatedConsumersAreListedWithEveryValueShownAsItsTemplate() {
        Map<String, String> environment = new HashMap<>();
        StringBuilder config = new StringBuilder("_format_version: \"3.0\"\nconsumers:\n");
        for (int i = 0; i < CONSUMERS; i++) {
            environment.put("DECK_CID_" + i, "cid-secret-" + i);
            config.append("  - username: user-").append(i).append("\n    custom_id: ${{ env \"DECK_CID_")
                    .append(i).append("\" }}\n    tags: ['team-${{ env \"DECK_CID_").append(i).append("\" }}-x']\n");
        }
        try (TestGateway gateway = TestGateway.start(config.toString(), environment, false)) {
            AdminHttp.Response page = new AdminHttp(gateway).get("/consumers");

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).doesNotContain("cid-secret-");
            JsonNode data = page.json().get("data");
            assertThat(data).hasSize(CONSUMERS);
            for (JsonNode consumer : data) {
                String i = consumer.get("username").asText().substring("user-".length());
                assertThat(consumer.get("custom_id").asText()).isEqualTo("${{ env \"DECK_CID_" + i + "\" }}");
                assertThat(consumer.at("/tags/0").asText()).isEqualTo("team-${{ env \"DECK_CID_" + i + "\" }}-x");
            }
        }
    }
}
