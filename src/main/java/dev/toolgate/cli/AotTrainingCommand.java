package dev.toolgate.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.mode.OpenApiSource;
import dev.toolgate.openapi.DeclarativeExport;
import dev.toolgate.openapi.OpenApiDocument;
import dev.toolgate.openapi.OperationFilter;
import dev.toolgate.openapi.ToolGenerator;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code toolgate aot-train} (hidden): the training run behind the JDK AOT cache the build writes
 * ({@code -XX:AOTCacheOutput}). It starts a gateway on free loopback ports and drives every mode
 * through real HTTP, so the cache holds what a real start and its first requests load.
 */
@Command(name = "aot-train", hidden = true, description = "Training run for the JDK AOT cache (used by the build).")
final class AotTrainingCommand implements Callable<Integer> {

    private static final String ACCEPT = "application/json, text/event-stream";

    /**
     * Made at the training run's first request, not when a command line builds this command
     * ({@code --help} builds every command).
     */
    private static final class Client {
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("toolgate-aot");
        String template = resource("training.yaml");
        Files.writeString(dir.resolve("openapi.yaml"), resource("openapi.yaml"));
        Path config = Files.writeString(dir.resolve("kong.yaml"), template.replace("ADMIN", "1").replace("PROXY", "1"));
        try (Gateway gateway = Gateway.start(new Gateway.Options(config, "127.0.0.1", 0, "127.0.0.1", 0, false,
                System::getenv, InstantSource.system(), new SecureRandom()))) {
            String admin = "http://127.0.0.1:" + gateway.adminPort();
            String proxy = "http://127.0.0.1:" + gateway.proxyPort();
            String real = template.replace("ADMIN", String.valueOf(gateway.adminPort()))
                    .replace("PROXY", String.valueOf(gateway.proxyPort()));
            send(admin + "/config", "POST", real, null, "application/yaml");
            for (int round = 0; round < 40; round++) {
                session(proxy + "/admin-tools", "get_status", "{}");
                session(proxy + "/listener", "getServiceById", "{\"path_id\":\"admin\"}");
                session(proxy + "/passthrough/admin-tools", "get_service", "{\"path_service\":\"admin\",\"query_fields\":[\"a\"]}");
                send(admin + "/status", "GET", null, null, null);
                send(admin + "/plugins", "GET", null, null, null);
            }
            openapi2mcp(dir.resolve("openapi.yaml"));
            Gateway.check(real.getBytes(StandardCharsets.UTF_8), dir, System::getenv);
        }
        // the command line as a start reads it (every command's model, then the run command's alone)
        Main.commandLine();
        String[] run = {"run", "--config", config.toString(), "--proxy-listen", "127.0.0.1:0", "--no-watch"};
        Main.commandLine(run).parseArgs(run);
        return ExitCodes.OK;
    }

    /** initialize, initialized, tools/list, a call, a bad call, a GET stream, DELETE. */
    private void session(String endpoint, String tool, String arguments) throws IOException, InterruptedException {
        HttpResponse<String> init = send(endpoint, "POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"aot\",\"version\":\"1\"}}}", null, null);
        String session = init.headers().firstValue("mcp-session-id").orElse(null);
        send(endpoint, "POST", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session, null);
        send(endpoint, "POST", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", session, null);
        send(endpoint, "POST", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}", session, null);
        send(endpoint, "POST", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"path_id\":[]}}}", session, null);
        send(endpoint, "POST", "{not json", session, null);
        HttpRequest stream = HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(5))
                .header("accept", "text/event-stream").header("mcp-session-id", session == null ? "" : session).GET().build();
        // the stream stays open: read its head and first bytes, then close it
        try (InputStream body = Client.HTTP.send(stream, HttpResponse.BodyHandlers.ofInputStream()).body()) {
            body.read(new byte[16]);
        }
        send(endpoint, "DELETE", null, session, null);
    }

    private HttpResponse<String> send(String url, String method, String body, String session, String type)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("accept", ACCEPT).header("content-type", type == null ? "application/json" : type)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("mcp-session-id", session);
        }
        return Client.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void openapi2mcp(Path spec) throws IOException {
        OpenApiDocument document = OpenApiDocument.load(new OpenApiSource(spec.toString(), List.of(), List.of()),
                new OpenApiDocument.Access(spec.getParent(), false));
        ToolGenerator.Generated generated = new ToolGenerator(document, new OperationFilter(List.of(), List.of())).generate();
        new YAMLMapper().writeValueAsString(new DeclarativeExport(document, generated, "training", "training-mcp",
                "conversion-listener", List.of()).toJson());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = AotTrainingCommand.class.getResourceAsStream("/aot/" + name)) {
            if (in == null) {
                throw new IOException("missing resource /aot/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
