/**
 * The HTTP transport: the proxy listener, Kong's router, body reading, forwarding rules, client addresses and the upstream client.
 */
package dev.toolgate.http;
