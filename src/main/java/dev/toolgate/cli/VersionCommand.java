package dev.toolgate.cli;

import dev.toolgate.gateway.Version;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code toolgate version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version and exit.")
final class VersionCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("toolgate " + Version.current() + " (Java " + Runtime.version() + ")");
        return ExitCodes.OK;
    }
}
