/** Kong's {@code acl} plugin: allow or deny consumers by their ACL groups. */
package dev.toolgate.policy.acl;
