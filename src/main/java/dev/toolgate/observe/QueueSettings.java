package dev.toolgate.observe;

import dev.toolgate.config.ConfigNode;

/**
 * Kong's {@code queue} block of its log plugins (http-log, opentelemetry), with Kong's names and
 * defaults: how entries are batched, how many may wait, and how a failed batch is retried.
 *
 * @param maxBatchSize       entries sent together; default 1 (http-log) or 200 (opentelemetry)
 * @param maxCoalescingDelay seconds to wait for a batch to fill once its first entry is queued; default 1
 * @param maxEntries         entries that may wait; past that, the oldest are dropped and counted (Kong's
 *                           rule); default 10000
 * @param maxBytes           bytes of entries that may wait; past that, the oldest are dropped and counted.
 *                           Entries are serialized when sent, so an entry's bytes are estimated from the
 *                           texts it holds (its headers, ids, names, errors and payloads). Default none
 *                           (Kong's); Toolgate then bounds each queue at 64 MiB all the same
 * @param maxRetryTime       a batch whose try fails more than this many seconds after its first is dropped
 *                           (Kong's rule: with the defaults the last try comes about 82 s after the first);
 *                           default 60; -1 (Kong's "no retries"), or 0, tries a batch once
 * @param initialRetryDelay  seconds before the first retry, doubling each time; default 0.01
 * @param maxRetryDelay      the longest wait between two retries, in seconds; default 60
 * @param concurrencyLimit   batches each sender sends at once: 1 (default), or -1 for no limit (Toolgate
 *                           sends one at a time either way, from one sender per core (at most 4), as Kong
 *                           from each of its workers; opentelemetry's logs, and its metrics without
 *                           traces, from one)
 */
public record QueueSettings(int maxBatchSize, double maxCoalescingDelay, int maxEntries, Long maxBytes,
                            double maxRetryTime, double initialRetryDelay, double maxRetryDelay, int concurrencyLimit) {

    /** Kong's defaults with the plugin's own batch size. */
    public static QueueSettings defaults(int batchSize) {
        return new QueueSettings(batchSize, 1, 10_000, null, 60, 0.01, 60, 1);
    }

    /** Reads {@code queue} (Kong's names and bounds); absent fields take Kong's defaults. */
    public static QueueSettings read(ConfigNode node, int defaultBatchSize) {
        QueueSettings settings = new QueueSettings(
                (int) node.integer("max_batch_size", defaultBatchSize, 1, 1_000_000),
                number(node, "max_coalescing_delay", 1, 0, 3600),
                (int) node.integer("max_entries", 10_000, 1, 1_000_000),
                node.integerOrNull("max_bytes", 1, Long.MAX_VALUE),
                // Kong documents -1 as "no retries" (its schema has no bounds): a failed batch is dropped at once
                number(node, "max_retry_time", 60, -1, 1_000_000),
                number(node, "initial_retry_delay", 0.01, 0.001, 1_000_000),
                number(node, "max_retry_delay", 60, 0.001, 1_000_000),
                (int) node.integer("concurrency_limit", 1, -1, 1));
        if (settings.concurrencyLimit() == 0) {
            node.problem("concurrency_limit", "must be 1 or -1");
        }
        node.ignore("name");
        node.finish();
        return settings;
    }

    /**
     * Kong's older batch fields beside {@code queue} (http-log's {@code queue_size} and {@code flush_timeout},
     * opentelemetry's {@code batch_span_count} and {@code batch_flush_delay}), converted as Kong's
     * {@code Queue.get_params} does: one set to other than its old default replaces {@code max_batch_size},
     * or {@code max_coalescing_delay}, whatever {@code queue} says.
     */
    public QueueSettings withLegacy(ConfigNode node, String sizeKey, int sizeDefault, String delayKey,
                                    double delayDefault) {
        int size = (int) node.integer(sizeKey, sizeDefault, 1, 1_000_000);
        double delay = number(node, delayKey, delayDefault, 0, 3600);
        return new QueueSettings(size != sizeDefault ? size : maxBatchSize,
                delay != delayDefault ? delay : maxCoalescingDelay, maxEntries, maxBytes, maxRetryTime,
                initialRetryDelay, maxRetryDelay, concurrencyLimit);
    }

    /** A decimal field (Kong's "number"), within bounds. */
    public static double number(ConfigNode node, String key, double fallback, double min, double max) {
        com.fasterxml.jackson.databind.JsonNode value = node.any(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            node.problem(key, "must be a number");
            return fallback;
        }
        double v = value.asDouble();
        if (v < min || v > max) {
            node.problem(key, "must be between " + min + " and " + max);
            return fallback;
        }
        return v;
    }
}
