# Sourced by ./toolgate, ./mvnw and .ci/run (POSIX sh).
# Makes JAVA_HOME point at a JDK 25 or newer when it is unset or older; fails with a message otherwise.

toolgate_jdk_major() {
    # The first number of JAVA_VERSION in the JDK's release file ("25.0.3" -> 25; "1.8.0" -> 1).
    [ -f "$1/release" ] || { echo 0; return; }
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
}

toolgate_find_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && [ "$(toolgate_jdk_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
        return 0
    fi
    # callers may run with globbing off (mvnw uses set -f); the search needs it
    case $- in *f*) toolgate_noglob=1; set +f ;; *) toolgate_noglob=0 ;; esac
    toolgate_path_java=""
    if command -v java >/dev/null 2>&1; then
        toolgate_path_java=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    fi
    # HOME may be unset (a systemd system unit, env -i) while the caller runs with set -u (./toolgate does)
    for toolgate_candidate in "$toolgate_path_java" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
        "${HOME:-/nonexistent}"/.sdkman/candidates/java/* "${HOME:-/nonexistent}"/.jdks/* \
        /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -n "$toolgate_candidate" ] && [ -x "$toolgate_candidate/bin/java" ] || continue
        if [ "$(toolgate_jdk_major "$toolgate_candidate")" -ge 25 ] 2>/dev/null; then
            JAVA_HOME="$toolgate_candidate"
            export JAVA_HOME
            [ "$toolgate_noglob" = 1 ] && set -f
            return 0
        fi
    done
    [ "$toolgate_noglob" = 1 ] && set -f
    echo "toolgate: needs a JDK 25 or newer. None was found in JAVA_HOME, on the PATH, in /usr/lib/jvm," >&2
    echo "/usr/java, /opt, ~/.sdkman or ~/.jdks. Install one (for example Eclipse Temurin 25) and set JAVA_HOME." >&2
    return 1
}

toolgate_find_jdk
