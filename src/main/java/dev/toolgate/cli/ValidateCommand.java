package dev.toolgate.cli;

import dev.toolgate.config.ConfigInput;
import dev.toolgate.config.ConfigLoader;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.gateway.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code toolgate validate --config FILE}: the checks {@code run} makes, without starting anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a declarative config file the way 'run' would, and exit.",
                "Prints every problem on stderr, one per line, as 'path: message'."})
final class ValidateCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Kong declarative file (YAML or JSON).")
    private Path config;

    // the same defaults as run's (LimitOptions): a variable run accepts, validate reads alike
    @Option(names = "--allow-spec-outside-config-dir", negatable = false,
            defaultValue = "${env:TOOLGATE_ALLOW_SPEC_OUTSIDE_CONFIG_DIR:-false}", description = "As for run.")
    private boolean specsOutside;

    @Option(names = "--allow-metadata-upstreams", negatable = false,
            defaultValue = "${env:TOOLGATE_ALLOW_METADATA_UPSTREAMS:-false}", description = "As for run.")
    private boolean metadataUpstreams;

    @Override
    public Integer call() {
        try {
            byte[] document = ConfigLoader.readFile(config);
            Path base = config.toAbsolutePath().getParent();
            Snapshot snapshot = Gateway.check(document, base, System::getenv,
                    new ConfigInput(specsOutside, metadataUpstreams));
            snapshot.warnings().forEach(w -> System.err.println("warning: " + w));
            System.out.printf("%s is valid: %d services, %d routes, %d plugins, %d tools%n", config,
                    snapshot.config().services().size(), snapshot.config().routes().size(),
                    snapshot.config().plugins().size(), snapshot.toolCount());
            return ExitCodes.OK;
        } catch (InvalidConfigException e) {
            // a warning (basic-auth credentials never checked) must not wait until the last problem is fixed
            e.warnings().forEach(w -> System.err.println("warning: " + w));
            e.problems().forEach(System.err::println);
            return ExitCodes.INVALID_CONFIG;
        }
    }
}
