package dev.toolgate.gateway;

/** Toolgate's version, from the jar manifest ({@code dev} when running from classes). */
public final class Version {

    private static final String CURRENT = read();

    private Version() {
    }

    public static String current() {
        return CURRENT;
    }

    private static String read() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
