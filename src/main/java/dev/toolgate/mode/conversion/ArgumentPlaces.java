package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mode.ParameterSpec;

/**
 * Arguments that match their schemas but cannot go where their parameters put them. A path value
 * that is null or missing would leave its segment empty ({@code /users//delete}): a nullable schema
 * (OpenAPI's {@code nullable}) lets null through validation.
 */
final class ArgumentPlaces {

    private ArgumentPlaces() {
    }

    /** What is wrong with where the arguments would go, or null when nothing is. */
    static String problem(RequestTemplate t, ObjectNode args) {
        for (ParameterSpec p : t.parameters()) {
            if ("path".equals(p.in()) && RequestEncoder.value(p, args) == null) {
                return p.argument() + ": a path value must not be null or missing (it would leave an empty path segment)";
            }
        }
        return null;
    }
}
