/**
 * What the instances of a fleet share, and what one instance keeps across configuration reloads:
 * links to Redis (Lettuce, asynchronous), rate-limiting counters (a count per key, period and
 * window, in this process or in Redis by Lua script), and the session stores of {@code config.server.session} (this process, Redis, or sealed into
 * the session id), with the events instances tell each other about sessions (Redis pub/sub).
 */
package dev.toolgate.cluster;
