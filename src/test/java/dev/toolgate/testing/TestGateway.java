package dev.toolgate.testing;

import dev.toolgate.gateway.Gateway;
import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ClientAddresses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Map;

/**
 * The real gateway, started in this JVM on free loopback ports from a YAML document written to a
 * temporary directory (so relative paths and file watching behave as in production).
 */
public final class TestGateway implements AutoCloseable {

    private final Gateway gateway;
    private final Path configFile;

    private TestGateway(Gateway gateway, Path configFile) {
        this.gateway = gateway;
        this.configFile = configFile;
    }

    /** Starts with {@code yaml} as the config file; {@code ${upstream}} placeholders are the caller's job. */
    public static TestGateway start(String yaml) {
        return start(yaml, Map.of(), false);
    }

    /**
     * @param environment what {vault://env/...} references read
     * @param watch       reload when the config file changes
     */
    public static TestGateway start(String yaml, Map<String, String> environment, boolean watch) {
        return start(yaml, environment, watch, Map.of());
    }

    /** Same, with extra files written beside the config file first (for example an OpenAPI document; {@code specs/x.yaml} goes in a folder). */
    public static TestGateway start(String yaml, Map<String, String> environment, boolean watch,
                                    Map<String, String> files) {
        return start(yaml, environment, watch, files, InstantSource.system(), Limits.DEFAULT);
    }

    /** Starts with {@code yaml} and a clock the test controls (windows, session lifetimes). */
    public static TestGateway start(String yaml, InstantSource clock) {
        return start(yaml, Map.of(), false, Map.of(), clock, Limits.DEFAULT);
    }

    /** Same, with the gateway's {@link Limits} (timeouts, caps) set by the test. */
    public static TestGateway start(String yaml, Map<String, String> environment, boolean watch,
                                    Map<String, String> files, Limits limits) {
        return start(yaml, environment, watch, files, InstantSource.system(), limits);
    }

    /** Starts with {@code yaml} behind a proxy at 127.0.0.1 it trusts ({@code --trusted-ips 127.0.0.1/32}). */
    public static TestGateway behindTrustedProxy(String yaml) {
        return start(yaml, Map.of(), false, Map.of(), InstantSource.system(), Limits.DEFAULT,
                new ClientAddresses(ClientAddresses.parseList("127.0.0.1/32"), "X-Real-IP", false));
    }

    /** Same, with a clock and the gateway's {@link Limits} set by the test. */
    public static TestGateway behindTrustedProxy(String yaml, InstantSource clock, Limits limits) {
        return start(yaml, Map.of(), false, Map.of(), clock, limits,
                new ClientAddresses(ClientAddresses.parseList("127.0.0.1/32"), "X-Real-IP", false));
    }

    /** Starts with {@code yaml} and a status listener (Kong's {@code status_listen}) on a free loopback port. */
    public static TestGateway withStatusListener(String yaml) {
        return start(yaml, Map.of(), false, Map.of(), InstantSource.system(), Limits.DEFAULT, ClientAddresses.PEER,
                "127.0.0.1");
    }

    /** Same, with everything. */
    public static TestGateway start(String yaml, Map<String, String> environment, boolean watch,
                                    Map<String, String> files, InstantSource clock, Limits limits) {
        return start(yaml, environment, watch, files, clock, limits, ClientAddresses.PEER);
    }

    private static TestGateway start(String yaml, Map<String, String> environment, boolean watch,
                                     Map<String, String> files, InstantSource clock, Limits limits,
                                     ClientAddresses addresses) {
        return start(yaml, environment, watch, files, clock, limits, addresses, null);
    }

    private static TestGateway start(String yaml, Map<String, String> environment, boolean watch,
                                     Map<String, String> files, InstantSource clock, Limits limits,
                                     ClientAddresses addresses, String statusHost) {
        try {
            Path directory = Files.createTempDirectory("toolgate-test");
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.createDirectories(directory.resolve(file.getKey()).getParent());
                Files.writeString(directory.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
            Path file = directory.resolve("kong.yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            Gateway gateway = Gateway.start(new Gateway.Options(file, "127.0.0.1", 0, "127.0.0.1", 0, watch,
                    environment::get, clock, new SecureRandom(), addresses, limits, java.time.Duration.ZERO,
                    statusHost, 0));
            return new TestGateway(gateway, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    public Path configFile() {
        return configFile;
    }

    /** {@code http://127.0.0.1:<proxy port><path>} */
    public URI proxy(String path) {
        return URI.create("http://127.0.0.1:" + gateway.proxyPort() + path);
    }

    /** {@code http://127.0.0.1:<admin port><path>} */
    public URI admin(String path) {
        return URI.create("http://127.0.0.1:" + gateway.adminPort() + path);
    }

    /** {@code http://127.0.0.1:<status port><path>}, when started {@link #withStatusListener}. */
    public URI status(String path) {
        return URI.create("http://127.0.0.1:" + gateway.statusPort() + path);
    }

    /** Rewrites the config file (the watcher, when on, reloads it). */
    public void rewrite(String yaml) {
        try {
            Path temp = configFile.resolveSibling("kong.yaml.tmp");
            Files.writeString(temp, yaml, StandardCharsets.UTF_8);
            Files.move(temp, configFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
