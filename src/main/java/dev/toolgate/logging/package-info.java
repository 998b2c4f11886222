/**
 * How the gateway keeps its own log lines few when something fails at the rate of requests. Imports
 * nothing else of ours, so every package may use it.
 */
package dev.toolgate.logging;
