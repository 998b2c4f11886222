/**
 * The command line (picocli): run, validate, openapi2mcp, version. Wiring only.
 */
package dev.toolgate.cli;
