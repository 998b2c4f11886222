package dev.toolgate.config;

/**
 * What a declarative document may reach, as the operator allows on the command line. Documents also
 * arrive through the Admin API's {@code POST /config}, so by default they reach no file outside the
 * config file's folder, and a service at a link-local or cloud metadata address is warned about.
 *
 * @param specsOutsideConfigDir {@code config.openapi.spec} (and the files it references) may lie outside the folder
 * @param metadataUpstreams     services may point at link-local and cloud metadata addresses without a warning
 */
public record ConfigInput(boolean specsOutsideConfigDir, boolean metadataUpstreams) {

    /** Nothing outside the folder; metadata addresses warned about. */
    public static final ConfigInput DEFAULT = new ConfigInput(false, false);
}
