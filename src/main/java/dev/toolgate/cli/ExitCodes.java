package dev.toolgate.cli;

/** Exit codes of every command (also listed in the README). */
final class ExitCodes {

    /** Success. */
    static final int OK = 0;
    /** The configuration is invalid (problems are printed on stderr). */
    static final int INVALID_CONFIG = 1;
    /** The command line is wrong (unknown option, missing argument). */
    static final int USAGE = 2;
    /** The gateway could not start or run (a port is taken, a file cannot be read). */
    static final int FAILURE = 3;

    private ExitCodes() {
    }
}
