/**
 * ai-mcp-proxy's tool ACLs, evaluated exactly as Kong does: {@code default_acl} (scope {@code tools})
 * and each tool's own {@code acl}, which replaces the default; deny beats allow; a caller nobody
 * identified is refused by any rule, a deny-only one included. Subjects are a consumer attribute and
 * its consumer groups, or the values of an access-token claim.
 */
package dev.toolgate.mode.acl;
