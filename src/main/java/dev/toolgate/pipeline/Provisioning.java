package dev.toolgate.pipeline;

import dev.toolgate.cluster.Cluster;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.observe.LogEntities;
import dev.toolgate.observe.Telemetry;

import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * What a plugin gets to build its policy from.
 *
 * @param config    the whole document
 * @param consumers the document's consumers, indexed for authentication
 * @param report    where problems found while provisioning go
 * @param clock     the time source (tests pass a fixed one)
 * @param cluster   state that outlives this configuration: counters, and the Redis servers of the fleet
 *                  (nothing may be opened while provisioning: hand out handles that connect on use)
 * @param telemetry what outlives snapshots for the log plugins (registry, queues), or null when only validating
 * @param logEntities the document's routes, services and consumers as log entries show them, rendered when a log
 *                  plugin first asks and shared by all of them: one rendering per plugin would cost a document
 *                  with a log plugin on each of its routes (routes × entities) of memory and load time
 */
public record Provisioning(DeclarativeConfig config, Consumers consumers, ConfigReport report, InstantSource clock,
                           Cluster cluster, Telemetry telemetry, Supplier<LogEntities> logEntities) {

    public Provisioning(DeclarativeConfig config, Consumers consumers, ConfigReport report, InstantSource clock,
                        Cluster cluster, Telemetry telemetry) {
        this(config, consumers, report, clock, cluster, telemetry, LogEntities.once(config));
    }
}
