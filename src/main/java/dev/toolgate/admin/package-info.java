/**
 * The admin listener: Kong's Admin API shapes (status, readiness, entities, db-less {@code POST /config}); loopback by default.
 */
package dev.toolgate.admin;
