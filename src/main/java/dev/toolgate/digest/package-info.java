/**
 * The SHA digests the gateway names things by (configuration hashes, counter and cache keys, session owners,
 * Redis script digests). Imports nothing else of ours, so every package may use it.
 */
package dev.toolgate.digest;
