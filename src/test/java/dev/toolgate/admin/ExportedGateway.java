package dev.toolgate.admin;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.TestGateway;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real gateway whose configuration the export tests read back through {@code GET /config}, and load into a
 * second, empty gateway through {@code POST /config}: the round trip an operator makes to copy a gateway.
 */
final class ExportedGateway implements AutoCloseable {

    private final Map<String, String> environment;
    private final TestGateway gateway;
    private final AdminHttp admin;

    /** @param environment what vault references read, in this gateway and in the one an export is loaded into */
    ExportedGateway(String file, Map<String, String> environment) {
        this.environment = environment;
        this.gateway = TestGateway.start(file, environment, false);
        this.admin = new AdminHttp(gateway);
    }

    AdminHttp admin() {
        return admin;
    }

    /** The YAML text of {@code GET /config}, which must answer 200. */
    String export() {
        return export(admin);
    }

    /**
     * An export loaded through {@code POST /config} (which must answer 200) into an empty gateway with this one's
     * environment: that gateway's export.
     */
    String loadedIntoAnEmptyGateway(String exported) {
        try (TestGateway other = TestGateway.start("""
                _format_version: "3.0"
                """, environment, false)) {
            AdminHttp otherAdmin = new AdminHttp(other);
            AdminHttp.Response loaded = otherAdmin.postConfig(exported);
            assertThat(loaded.status()).as("%s", loaded).isEqualTo(200);
            return export(otherAdmin);
        }
    }

    private static String export(AdminHttp from) {
        AdminHttp.Response response = from.get("/config");
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json().get("config").asText();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
