/** Kong's {@code ip-restriction} plugin: allow or deny client addresses and CIDR blocks. */
package dev.toolgate.policy.iprestriction;
