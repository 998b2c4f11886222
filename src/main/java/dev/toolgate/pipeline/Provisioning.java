package dev.toolgate.pipeline;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;

import java.time.InstantSource;

/**
 * What a plugin gets to build its policy from.
 *
 * @param config    the whole document
 * @param consumers the document's consumers, indexed for authentication
 * @param report    where problems found while provisioning go
 * @param clock     the time source (tests pass a fixed one)
 */
public record Provisioning(DeclarativeConfig config, Consumers consumers, ConfigReport report, InstantSource clock) {
}
