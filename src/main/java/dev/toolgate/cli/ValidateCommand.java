package dev.toolgate.cli;

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

    @Override
    public Integer call() {
        try {
            byte[] document = ConfigLoader.readFile(config);
            Path base = config.toAbsolutePath().getParent();
            Snapshot snapshot = Gateway.check(document, base, System::getenv);
            snapshot.warnings().forEach(w -> System.err.println("warning: " + w));
            System.out.printf("%s is valid: %d services, %d routes, %d plugins, %d tools%n", config,
                    snapshot.config().services().size(), snapshot.config().routes().size(),
                    snapshot.config().plugins().size(), snapshot.toolCount());
            return ExitCodes.OK;
        } catch (InvalidConfigException e) {
            e.problems().forEach(System.err::println);
            return ExitCodes.INVALID_CONFIG;
        }
    }
}
