package dev.toolgate.gateway;

import dev.toolgate.cluster.Cluster;
import dev.toolgate.config.ConfigLoader;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.ConfigWatcher;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.UpstreamHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a running gateway's configuration changes: the document it starts with, a document POST /config sends,
 * the config file when the watcher sees it change, and the file read again on SIGHUP. Each is validated and
 * provisioned off the event loops and swapped in whole; a bad document never replaces a good one, and once
 * the gateway begins to {@link #stop} none is swapped in, however it comes.
 *
 * <p>Two locks. Loads take turns on the gateway's own monitor (see {@link #turns}), so that the watcher's and a
 * reload's record of what was applied follows the order they were applied in. The stop lock is held only
 * around the swap itself and around the stop flag's setting: a stop waits for no load to be built.
 */
final class ConfigReloads {

    /**
     * The gateway's logger, not this class's: these lines were the gateway's before they had a class of their
     * own, and the log names its logger on each line ("Gateway - configuration ... loaded").
     */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Path configFile;
    private final SnapshotBuilder builder;
    private final SnapshotSwitch snapshots;
    private final Telemetry telemetry;
    private final Cluster cluster;
    /**
     * The lock loads take turns on: the gateway itself, as when this was the gateway's code, so that whoever
     * holds the gateway still holds off every load (ConfigFileWatchIT does, to stand for a slow POST /config).
     */
    private final Object turns;
    private volatile ConfigWatcher watcher;
    /** The problems the watched file was last refused with: a retry refused alike is not logged again. */
    private volatile String lastWatchedRefusal;
    /** The local documents the watched file's configuration read when last offered: watched with it. */
    private volatile Set<Path> watchedDocuments = Set.of();
    private volatile boolean stopping;
    /** Held while a configuration is swapped in, and while the stop begins: none is swapped in after. */
    private final Object stopLock = new Object();

    ConfigReloads(Path configFile, SnapshotBuilder builder, SnapshotSwitch snapshots, Telemetry telemetry,
                  Cluster cluster, Object turns) {
        this.configFile = configFile;
        this.builder = builder;
        this.snapshots = snapshots;
        this.telemetry = telemetry;
        this.cluster = cluster;
        this.turns = turns;
    }

    /** Swaps in the document the gateway starts with; its local documents are the first the watcher watches. */
    void loadAtStart(byte[] document) {
        ConfigReport report = new ConfigReport();
        swap(document, baseDirectory(), report);
        watchedDocuments = report.documents();
    }

    /** Watches the config file, whose content {@code loaded} serves now; a change is applied as {@link #applyChanged}. */
    void watch(byte[] loaded) throws IOException {
        watcher = new ConfigWatcher(configFile, Duration.ofSeconds(2), ConfigLoader.hash(loaded), this::applyChanged,
                () -> watchedDocuments);
        watcher.start();
    }

    /** Whether the gateway began to stop (readiness then answers 503). */
    boolean stopping() {
        return stopping;
    }

    /**
     * The gateway begins to stop: from now on no configuration is swapped in, however it came ({@link #apply}
     * checks), and the file is no longer watched.
     */
    void stop() {
        synchronized (stopLock) {
            stopping = true;
        }
        if (watcher != null) {
            watcher.close();
        }
    }

    /** A document POST /config sent: its relative paths are read from the config file's folder. */
    Snapshot apply(byte[] document) {
        return apply(document, baseDirectory());
    }

    /** As {@link Gateway#apply}. */
    Snapshot apply(byte[] document, Path baseDirectory) {
        return apply(document, baseDirectory, new ConfigReport());
    }

    private Snapshot apply(byte[] document, Path baseDirectory, ConfigReport report) {
        synchronized (turns) {
            if (stopping) {
                throw new GatewayException(new GatewayError.ConfigWhileStopping());
            }
            Snapshot next = swap(document, baseDirectory, report);
            LOG.info("configuration {} loaded: {} services, {} routes, {} plugins, {} tools", next.config().hash(),
                    next.config().services().size(), next.config().routes().size(), next.config().plugins().size(),
                    next.toolCount());
            return next;
        }
    }

    /**
     * Builds a snapshot and swaps it in; what the log plugins of the one before no longer use is closed,
     * and so are the connections to the Redis servers it no longer names.
     */
    private Snapshot swap(byte[] document, Path baseDirectory, ConfigReport report) {
        Snapshot next;
        try {
            next = builder.load(document, baseDirectory, report);
        } catch (RuntimeException | Error e) {
            // an Error too: the watcher lives on after one, and the next load must not find these half-prepared
            telemetry.abandoned();
            cluster.abandoned();
            throw e;
        }
        synchronized (stopLock) {
            // a stop that began while it was built: its log queues and Redis links are closing, not swapped to
            if (stopping) {
                telemetry.abandoned();
                cluster.abandoned();
                throw new GatewayException(new GatewayError.ConfigWhileStopping());
            }
            snapshots.swap(next);
            telemetry.health().configured(next.config().services().stream().map(UpstreamTarget::of)
                    .map(t -> new UpstreamHealth.Target(t.service(), t.host() + ":" + t.port()))
                    .collect(Collectors.toSet()));
            telemetry.swapped();
            cluster.swapped();
        }
        return next;
    }

    /**
     * Applies what the watcher offers, unless a SIGHUP loaded that content meanwhile (the watcher may have
     * been waiting for the reload to finish): it would be loaded, and logged, twice. What was applied is told
     * the watcher here, under the lock loads take turns on, as {@link #reload} does: noted by the watcher after
     * the lock was let go, it could overwrite a newer file a reload applied meanwhile. Refused because a stop
     * began, it is not told: nothing was applied.
     */
    private void applyChanged(byte[] document) {
        synchronized (turns) {
            if (watcher != null && watcher.isApplied(document)) {
                return;
            }
            if (applyWatched(document, false) && watcher != null) {
                watcher.loaded(document);
            }
        }
    }

    /**
     * Applies the watched file, changed or asked for ({@code hangUp}: SIGHUP); a refusal is rethrown for the
     * watcher to remember, and logged once.
     *
     * @return whether it was applied: false when a stop began, which is logged
     */
    private boolean applyWatched(byte[] document, boolean hangUp) {
        ConfigReport report = new ConfigReport();
        try {
            apply(document, baseDirectory(), report);
            lastWatchedRefusal = null;
            return true;
        } catch (InvalidConfigException e) {
            if (e.getMessage().equals(lastWatchedRefusal)) {
                LOG.debug("{} is still refused", configFile);
                throw e;
            }
            lastWatchedRefusal = e.getMessage();
            logRefusal(e, hangUp);
            throw e;
        } catch (GatewayException stopped) {
            if (!(stopped.error() instanceof GatewayError.ConfigWhileStopping)) {
                throw stopped;
            }
            LOG.warn("{} is not loaded: the gateway is stopping; still serving configuration {}", configFile,
                    servingHash());
            return false;
        } finally {
            watchedDocuments = report.documents();
        }
    }

    private void logRefusal(InvalidConfigException refusal, boolean hangUp) {
        if (hangUp) {
            LOG.error("{} was read again on SIGHUP but is invalid; still serving configuration {}:", configFile,
                    servingHash());
        } else {
            LOG.error("{} changed but is invalid; still serving configuration {} (loaded again when it or a local OpenAPI document it names is written, else after a growing wait):",
                    configFile, servingHash());
        }
        // one log line per problem: the log escapes line breaks inside a message
        refusal.getMessage().lines().forEach(problem -> LOG.error("  {}", problem));
    }

    /** As {@link Gateway#reload}. */
    void reload() {
        if (stopping) {
            LOG.warn("reload asked while stopping: {} is not read again", configFile);
            return;
        }
        LOG.info("reloading {}", configFile);
        lastWatchedRefusal = null; // asked for: its problems are logged even when the watcher logged them already
        try {
            synchronized (turns) {
                // read in turn, not before: the file read before waiting behind another load (a slow POST /config)
                // may be older than what the watcher applies meanwhile, and would then serve in its place
                byte[] document = readConfigFile();
                if (document == null) {
                    return;
                }
                if (applyWatched(document, true) && watcher != null) {
                    watcher.loaded(document); // else it would offer what was just loaded once more
                }
            }
        } catch (InvalidConfigException refused) {
            // logged with its problems
        } catch (RuntimeException e) {
            String errorId = java.util.UUID.randomUUID().toString();
            LOG.error("reloading {} failed (error id {}); still serving configuration {}", configFile, errorId,
                    servingHash(), e);
        }
    }

    /** The config file's bytes; null, logged, when it cannot be read (the configuration serving stays). */
    private byte[] readConfigFile() {
        try {
            return ConfigLoader.readFile(configFile);
        } catch (InvalidConfigException unreadable) {
            LOG.error("{}; still serving configuration {}", unreadable.getMessage().strip(), servingHash());
            return null;
        }
    }

    private String servingHash() {
        return snapshots.current().config().hash();
    }

    /** The folder the config file's relative paths are read from; the working directory for a file without one. */
    private Path baseDirectory() {
        Path parent = configFile == null ? null : configFile.toAbsolutePath().getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }
}
