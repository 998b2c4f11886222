package dev.toolgate.config;

import java.util.Set;

/** The {@code config} block of one plugin, read and validated by its {@link PluginSchema}. */
public interface PluginSettings {

    /**
     * Toolgate's own fields of this block (not in Kong's schema of the plugin) that the file did not write, as JSON
     * pointers below {@code config} ({@code /acl_denial}, {@code /tools/0/limit}). The Admin API leaves them out:
     * shown with their defaults they would make a dump of the gateway a file Kong's schema refuses.
     */
    default Set<String> unwrittenExtensions() {
        return Set.of();
    }
}
