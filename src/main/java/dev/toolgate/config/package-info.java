/**
 * Kong's declarative format: reading, strict validation with a path on every problem, vault references, immutable entity records.
 */
package dev.toolgate.config;
