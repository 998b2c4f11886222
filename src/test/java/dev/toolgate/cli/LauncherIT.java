package dev.toolgate.cli;

import dev.toolgate.testing.CommandOutput;
import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.NodeClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./toolgate}, the launcher users run, as a process: what it prints on stdout is the command's result
 * and nothing else, whatever the JVM has to say.
 */
@Timeout(180)
class LauncherIT {

    private static final Path ROOT = NodeClients.projectRoot();
    private static final Path PETSTORE = ROOT.resolve("examples/specs/petstore.yaml");
    /** The JVM warns on stdout by default: with an AOT cache, that it cannot use it; without, its CDS archive. */
    private static final Map<String, String> JVM_WARNS = Map.of("JAVA_TOOL_OPTIONS", "-XX:-UseCompressedClassPointers");

    @TempDir
    Path dir;

    @Test
    void theJvmsWarningsGoToStderrSoVersionPrintsOnlyTheVersion() throws Exception {
        Run run = launcher(JVM_WARNS, "version");

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).matches("toolgate \\S+ \\(Java \\S+\\)\n");
        assertThat(run.stderr()).contains("[warning]");
    }

    @Test
    void theJvmsWarningsStayOutOfTheKongFileOpenapi2mcpPrints() throws Exception {
        Run run = launcher(JVM_WARNS, "openapi2mcp", PETSTORE.toString(), "--route", "pet");

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(CommandOutput.of("openapi2mcp", PETSTORE.toString(), "--route", "pet"));
    }

    @Test
    void theLauncherFindsAJdkAndStartsWithoutHomeOrJavaHomeSetAsASystemdUnitRunsIt() throws Exception {
        String path = Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin";
        GatewayProcess.jar();
        Run run = launcher(ROOT.resolve("toolgate"), null, Map.of("PATH", path), "version");

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).matches("toolgate \\S+ \\(Java \\S+\\)\n");
    }

    @Test
    void theReadmesOpenapi2mcpExampleNamesADocumentOfTheRepository() throws Exception {
        String example = Files.readString(ROOT.resolve("README.md")).lines()
                .filter(line -> line.startsWith("./toolgate openapi2mcp ") && line.contains(" > "))
                .findFirst().orElseThrow();
        String document = example.substring("./toolgate openapi2mcp ".length(), example.indexOf(" > "));

        assertThat(ROOT.resolve(document).normalize()).as("in a fresh clone: %s", example).startsWith(ROOT).isRegularFile();
        assertThat(CommandOutput.of("openapi2mcp", ROOT.resolve(document).toString())).startsWith("_format_version: \"3.0\"");
    }

    @Test
    void aFailedFirstBuildExitsWithCouldNotStartNotWithConfigurationInvalid() throws Exception {
        // a copy of the launcher beside a build that fails (offline, say) and no jar yet
        Path clone = Files.createDirectories(dir.resolve("clone"));
        Files.copy(ROOT.resolve("toolgate"), clone.resolve("toolgate"));
        clone.resolve("toolgate").toFile().setExecutable(true);
        Files.createDirectories(clone.resolve(".mvn"));
        Files.copy(ROOT.resolve(".mvn/jdk.sh"), clone.resolve(".mvn/jdk.sh"));
        Files.writeString(clone.resolve("mvnw"), "#!/bin/sh\necho 'Could not resolve dependencies' >&2\nexit 1\n");
        clone.resolve("mvnw").toFile().setExecutable(true);
        Files.writeString(clone.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(clone.resolve("src/main"));

        Run run = launcher(clone.resolve("toolgate"), Map.of(), "validate", "--config", "kong.yaml");

        assertThat(run.exit()).as(run.stderr()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.stderr()).contains("Could not resolve dependencies", "building target/toolgate.jar failed");
    }

    @Test
    void onAHostWith512MibTheLauncherStartsWithoutCappingTheYoungGenerationAboveTheHeap() throws Exception {
        // 512 MiB gives a 128 MiB heap: a 128 MiB young generation left no old generation, the JVM warned and,
        // with the build's AOT cache, stopped ("Unable to use AOT cache")
        Run run = launcher(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAM=512m"), "version");

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).matches("toolgate \\S+ \\(Java \\S+\\)\n");
        assertThat(run.stderr()).doesNotContain("[warning]", "[error", "MaxNewSize");
    }

    @Test
    void theMemoryTheYoungGenerationCapIsJudgedByIsTheLeastLimitOfTheProcesssCgroupsAndTheirParents() throws Exception {
        // the launcher's own function, over made-up trees: a systemd slice's MemoryMax is a parent's limit, and a
        // cgroup v1 or hybrid host keeps the process's limit under its own path, not at the tree's root
        Path sys = dir.resolve("sys");
        write(sys.resolve("memory/system.slice/x.service/memory.limit_in_bytes"), "9223372036854771712");
        write(sys.resolve("memory/system.slice/memory.limit_in_bytes"), "536870912");
        write(sys.resolve("system.slice/z.service/memory.max"), "max");
        write(sys.resolve("system.slice/memory.max"), "1073741824");
        write(sys.resolve("unified/system.slice/y.service/memory.max"), "268435456");

        assertThat(memoryMib(sys, "4:memory:/system.slice/x.service\n0::/\n")).as("v1, a parent's limit").isEqualTo("512");
        assertThat(memoryMib(sys, "0::/system.slice/z.service\n")).as("v2, a parent's limit").isEqualTo("1024");
        assertThat(memoryMib(sys, "0::/system.slice/y.service\n4:memory:/\n")).as("hybrid").isEqualTo("256");
        assertThat(Long.parseLong(memoryMib(sys, "0::/\n"))).as("no limit: the machine's memory").isGreaterThan(1024);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text + "\n");
    }

    /** Runs the launcher's {@code memory_mib} with {@code /sys/fs/cgroup} at {@code sys} and {@code cgroups} as /proc/self/cgroup. */
    private String memoryMib(Path sys, String cgroups) throws IOException, InterruptedException {
        String script = Files.readString(ROOT.resolve("toolgate"));
        String function = script.substring(script.indexOf("memory_mib() {"), script.indexOf("\n}\n", script.indexOf("memory_mib() {")) + 3);
        Path cgroupFile = dir.resolve("cgroup-" + Integer.toHexString(cgroups.hashCode()));
        Files.writeString(cgroupFile, cgroups);
        String fake = function.replace("/sys/fs/cgroup", sys.toString()).replace("/proc/self/cgroup", cgroupFile.toString());
        Process process = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + fake + "memory_mib\n")
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    record Run(int exit, String stdout, String stderr) {
    }

    private Run launcher(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        GatewayProcess.jar(); // a missing jar fails here with how to build it, not with the launcher building it
        return launcher(ROOT.resolve("toolgate"), System.getProperty("java.home"), environment, args);
    }

    private Run launcher(Path launcher, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return launcher(launcher, System.getProperty("java.home"), environment, args);
    }

    /** Runs {@code ./toolgate}; with no {@code javaHome}, in only the {@code environment} given (as {@code env -i}). */
    private Run launcher(Path launcher, String javaHome, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (javaHome == null) {
            builder.environment().clear();
        } else {
            builder.environment().put("JAVA_HOME", javaHome);
        }
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(environment);
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not exit:\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

}
