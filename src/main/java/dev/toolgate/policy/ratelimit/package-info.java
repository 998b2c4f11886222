/**
 * Kong's {@code rate-limiting} plugin: fixed windows per consumer, credential, IP, service, header or
 * path, counted in this process or in Redis, with Kong's fields, defaults, headers and answers.
 */
package dev.toolgate.policy.ratelimit;
