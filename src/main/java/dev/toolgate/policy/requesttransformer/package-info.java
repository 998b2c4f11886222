/**
 * Kong's {@code request-transformer} plugin: removes, renames, replaces, adds and appends headers,
 * query arguments and body fields (and sets the method and the path) of the request the mode sends
 * upstream.
 */
package dev.toolgate.policy.requesttransformer;
