package dev.toolgate.observe;

import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The route, service and consumer entities every log entry carries. */
class LogEntitiesTest {

    @Test
    void aRouteMatchedOnASecretNamedHeaderShowsItsValuesMaskedInEveryEntry() {
        // a route only callers who know a shared key reach: the key is no more for the log than the header is
        DeclarativeConfig config = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: mcp-service
                    url: http://127.0.0.1:9
                    routes:
                      - name: internal
                        paths: [/mcp]
                        headers: {x-internal-token: [s3cret-routing-key], x-tenant: [acme]}
                """, Path.of("").toAbsolutePath()).snapshot().config();

        String route = new LogEntities(config).route(config.routes().getFirst().id()).getValue();

        assertThat(route).doesNotContain("s3cret-routing-key").contains("\"x-internal-token\":[\"[redacted]\"]")
                .contains("\"x-tenant\":[\"acme\"]");
    }

    @Test
    void everyLogPluginOfADocumentSharesOneRenderingMadeWhenTheFirstAsks() {
        // one rendering per plugin cost a document with a log plugin on each of 200 routes and 2,000 consumers
        // 155 MB and 31 s to load; nothing is rendered for a document no log plugin reads (null would throw)
        Supplier<LogEntities> never = LogEntities.once(null);
        DeclarativeConfig config = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: mcp-service
                    url: http://127.0.0.1:9
                    routes: [{name: r, paths: [/mcp]}]
                """, Path.of("").toAbsolutePath()).snapshot().config();
        Supplier<LogEntities> shared = LogEntities.once(config);

        assertThat(shared.get()).isSameAs(shared.get());
        assertThat(never).isNotNull();
    }
}
