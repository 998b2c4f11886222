package dev.toolgate.config;

/**
 * One plugin Toolgate implements: how to read its {@code config} block and the rules it imposes on
 * where it is attached. Schemas are handed to the loader by the wiring, so this package does not
 * depend on any plugin.
 */
public interface PluginSchema {

    /** The plugin name as it appears in the file. */
    String name();

    /** Reads and validates {@code config}; every problem goes to {@code config.report()}. */
    PluginSettings read(ConfigNode config, ConfigContext context);

    /**
     * True when one entity may carry several instances like this one ({@code settings}, null when they
     * could not be read), told apart by {@code instance_name}. Kong allows one instance of a plugin per
     * entity whatever its {@code instance_name}; only {@code ai-mcp-proxy}'s tool sets are several by design.
     */
    default boolean severalPerScope(PluginSettings settings) {
        return false;
    }

    /** Checks rules that need the whole document (scope, references); called once all entities are read. */
    default void validate(Plugin plugin, DeclarativeConfig document, ConfigReport report) {
    }
}
