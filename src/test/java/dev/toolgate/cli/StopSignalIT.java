package dev.toolgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real instance ({@code target/toolgate.jar}) stopped as a service manager stops it: SIGTERM. */
@Timeout(90)
class StopSignalIT {

    private final RestUpstream upstream = new RestUpstream();

    @AfterEach
    void close() {
        upstream.close();
    }

    private Path config() throws IOException {
        Path file = Files.createTempDirectory("toolgate-stop").resolve("kong.yaml");
        return Files.writeString(file, KongHowTos.passthroughAcls(upstream.url() + "/mcp"));
    }

    /** A tools/list answer the ACLs must filter, gzip-encoded (which the gateway cannot), after {@code millis}. */
    private void answerEncodedAfter(long millis) {
        upstream.on("POST /mcp", request -> upstream.vertx().setTimer(millis, id -> encoded(request)));
    }

    private static void encoded(HttpServerRequest request) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        request.response().putHeader("content-type", "application/json").putHeader("content-encoding", "gzip")
                .end(Buffer.buffer(zipped.toByteArray()));
    }

    @Test
    void whatTheGracefulStopLogsWhileACallFinishesIsInTheLogUpToStopped() throws IOException {
        answerEncodedAfter(1500);
        try (GatewayProcess gateway = GatewayProcess.start(config())) {
            McpHttp bob = new McpHttp(gateway.proxy("/mcp"), KongHowTos.apiKey("bob"));
            CompletableFuture<?> call = CompletableFuture.runAsync(() -> bob.post(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
            // generous: a fresh JVM's first call, on a busy machine
            await().atMost(Duration.ofSeconds(30)).until(() -> !upstream.received().isEmpty());

            gateway.stop();

            assertThat(call).failsWithin(Duration.ofSeconds(5));
            String log = gateway.log();
            assertThat(log).contains("stopping: new connections are refused",
                    "a gzip-encoded answer cannot be filtered for the caller's tool ACLs; not relayed");
            assertThat(log.lines()).as(log).anyMatch(line -> line.endsWith("Gateway - stopped"));
        }
    }

    @Test
    void aGracefulStopOnSigtermExitsZeroAsASuccess() throws IOException {
        try (GatewayProcess gateway = GatewayProcess.start(config())) {
            gateway.stop();

            assertThat(gateway.exitValue()).as(gateway.log()).isZero();
        }
    }

    @Test
    void sighupReadsTheConfigFileAgainAndABadOneKeepsTheConfigurationThatServes() throws Exception {
        Path file = config();
        try (GatewayProcess gateway = GatewayProcess.start(file)) {
            String first = hash(gateway);
            Files.writeString(file, Files.readString(file) + "\n# edited\n");

            hangUp(gateway);

            await().atMost(Duration.ofSeconds(20)).until(() -> !hash(gateway).equals(first));
            String second = hash(gateway);
            Files.writeString(file, "_format_version: \"3.0\"\nservices: [{name: broken}]\n");

            hangUp(gateway);

            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.log().contains("still serving configuration"));
            // worded for the signal, not for the watcher's retries (which --no-watch turns off)
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.log()
                    .contains("was read again on SIGHUP but is invalid; still serving configuration " + second));
            assertThat(gateway.handle().isAlive()).as(gateway.log()).isTrue();
            assertThat(hash(gateway)).isEqualTo(second);
        }
    }

    private static void hangUp(GatewayProcess gateway) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(gateway.handle().pid())).start();
        assertThat(kill.waitFor()).isZero();
    }

    private static String hash(GatewayProcess gateway) throws IOException, InterruptedException {
        HttpResponse<String> status = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(gateway.admin("/status")).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(status.body()).get("configuration_hash").asText();
    }
}
