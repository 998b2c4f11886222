package dev.toolgate.config;

/** The {@code config} block of one plugin, read and validated by its {@link PluginSchema}. */
public interface PluginSettings {
}
