package dev.toolgate.observe;

import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.RestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM's own series on {@code /metrics}, from a gateway in its own process: which of them exist
 * depends on the options its JVM was started with.
 */
@Timeout(120)
class JvmMetricsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void nativeMemoryIsReportedWhenTheJvmTracksIt() throws Exception {
        String metrics = metricsOf(List.of("-XX:NativeMemoryTracking=summary"));
        assertThat(metrics).contains("jvm_native_memory_committed_bytes{pool=\"Java Heap\"}",
                "jvm_native_memory_reserved_bytes{pool=\"Class\"}", "jvm_memory_used_bytes", "process_cpu_seconds_total");
    }

    @Test
    void withoutNativeMemoryTrackingTheOtherJvmAndProcessSeriesAreThere() throws Exception {
        String metrics = metricsOf(List.of());
        assertThat(metrics).contains("jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current",
                "jvm_gc_collection_seconds_count", "jvm_classes_currently_loaded", "jvm_compilation_time_seconds_total",
                "jvm_runtime_info", "process_cpu_seconds_total", "process_open_fds");
        assertThat(metrics).doesNotContain("jvm_native_memory");
    }

    private static String metricsOf(List<String> jvmOptions) throws IOException, InterruptedException {
        try (RestUpstream upstream = new RestUpstream().json("GET /one", 200, "{}")) {
            Path config = upstream.oneToolConfigFile();
            try (GatewayProcess gateway = GatewayProcess.start(config, jvmOptions)) {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(gateway.admin("/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                return response.body();
            }
        }
    }
}
