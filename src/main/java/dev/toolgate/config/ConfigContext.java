package dev.toolgate.config;

import java.nio.file.Path;

/**
 * What a plugin schema may need while reading: the directory relative paths in the document resolve
 * against (the config file's directory, or the working directory for a posted document), and what the
 * operator allows the document to reach.
 *
 * @param baseDirectory where relative paths resolve
 * @param input         what the document may reach beyond that directory and the network's edge
 */
public record ConfigContext(Path baseDirectory, ConfigInput input) {

    /** With the default {@link ConfigInput}: nothing outside the directory, metadata addresses warned about. */
    public ConfigContext(Path baseDirectory) {
        this(baseDirectory, ConfigInput.DEFAULT);
    }
}
