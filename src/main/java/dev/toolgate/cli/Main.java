package dev.toolgate.cli;

import dev.toolgate.gateway.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The {@code toolgate} command. */
@Command(name = "toolgate", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "An open MCP gateway that reads Kong's declarative configuration.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (a graceful stop on SIGTERM or SIGINT too)", "1:the configuration is invalid", "2:wrong command line",
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
        return commandLine(args).execute(args);
    }

    /**
     * The command line for these arguments. picocli reads a command's annotations when it is added,
     * about 30 ms of every start: arguments that name their command get that one, any others (no
     * command, {@code help}, which describes the others, or a typo that picocli answers with the
     * nearest name) all of them.
     */
    static CommandLine commandLine(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        Map<String, Supplier<Object>> commands = commands();
        Supplier<Object> named = args.length == 0 || "help".equals(args[0]) ? null : commands.get(args[0]);
        (named == null ? commands.values() : List.of(named))
                .forEach(command -> commandLine.addSubcommand(command.get()));
        commandLine.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
                ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return commandLine;
    }

    /** The subcommands by name, in the order help lists them. */
    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("run", RunCommand::new);
        commands.put("validate", ValidateCommand::new);
        commands.put("openapi2mcp", Openapi2McpCommand::new);
        commands.put("version", VersionCommand::new);
        commands.put("aot-train", AotTrainingCommand::new);
        commands.put("help", CommandLine.HelpCommand::new);
        return commands;
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
