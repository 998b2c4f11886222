package dev.toolgate.cli;

import dev.toolgate.gateway.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code toolgate} command. */
@Command(name = "toolgate", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "An open MCP gateway that reads Kong's declarative configuration.",
        subcommands = {RunCommand.class, ValidateCommand.class, Openapi2McpCommand.class, VersionCommand.class,
                AotTrainingCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the configuration is invalid", "2:wrong command line",
                "3:the gateway could not start or run"})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        // Vert.x logs through SLF4J like everything else
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
                ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: run, validate, openapi2mcp or version");
    }

    /** {@code --version}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"toolgate " + Version.current()};
        }
    }
}
