/** Kong's {@code jwt} plugin: tokens signed with secrets or keys registered on consumers. */
package dev.toolgate.policy.jwt;
