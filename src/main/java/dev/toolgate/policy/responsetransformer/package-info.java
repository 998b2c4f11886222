/**
 * Kong's {@code response-transformer} plugin: removes, renames, replaces, adds and appends headers
 * and top-level JSON fields of the upstream's answer before the mode uses it.
 */
package dev.toolgate.policy.responsetransformer;
