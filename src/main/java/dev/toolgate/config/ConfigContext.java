package dev.toolgate.config;

import java.nio.file.Path;

/**
 * What a plugin schema may need while reading: the directory relative paths in the document resolve
 * against (the config file's directory, or the working directory for a posted document).
 */
public record ConfigContext(Path baseDirectory) {
}
