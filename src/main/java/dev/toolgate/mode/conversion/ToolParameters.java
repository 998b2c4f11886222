package dev.toolgate.mode.conversion;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.HttpToken;
import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.mode.ToolSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters a tool takes as arguments: those it declares, checked, and a required string
 * argument for each placeholder of its path that none declares.
 */
final class ToolParameters {

    private ToolParameters() {
    }

    /**
     * The tool's parameters, each with an argument of its own; problems go to the report: an argument
     * defined twice, a {@code $ref} outside the schema, a header an argument may not set (a warning when the
     * tool fixes it), a cookie name that cannot be sent, a path parameter that is not in the path.
     */
    static List<ParameterSpec> of(ToolSpec spec, PathTemplate path, String at, ConfigReport report) {
        List<ParameterSpec> parameters = new ArrayList<>(spec.parameters());
        Set<String> kongArguments = new HashSet<>();
        Set<String> declaredPath = new HashSet<>();
        for (int i = 0; i < parameters.size(); i++) {
            ParameterSpec p = parameters.get(i);
            String pAt = at + ".parameters[" + i + "]";
            if (!named(p)) {
                continue;
            }
            // the same parameter twice: which of the two a caller's value should fill is the writer's to say
            if (!kongArguments.add(p.kongArgument())) {
                report.problem(pAt, "argument " + p.kongArgument() + " is defined twice");
            }
            String reference = ToolSchemas.foreignReference(p.schema());
            if (reference != null) {
                report.problem(pAt + ".schema", "$ref " + reference + " is not supported: inline the schema or put it "
                        + "under the schema's own $defs");
            }
            String refused = switch (p.in()) {
                case "header" -> ReservedHeaders.refusal(p.name());
                case "cookie" -> cookieRefusal(p.name());
                default -> null;
            };
            if (refused != null) {
                report.problem(pAt + ".name", refused);
            } else if ("header".equals(p.in())) {
                warnOfFixedTwin(p.name(), spec.headers().keySet(), pAt + ".name", report);
            }
            if ("path".equals(p.in())) {
                declaredPath.add(p.name());
                if (!path.placeholders().contains(p.name())) {
                    report.problem(pAt, "path parameter '" + p.name() + "' does not appear in path "
                            + (spec.path() != null ? spec.path() : path));
                }
            }
        }
        addUndeclaredPlaceholders(parameters, declaredPath, path, at, report);
        namedApart(parameters);
        checkDistinct(parameters, at, report);
        return parameters;
    }

    /** Fails closed on what the digests cannot tell apart: one argument must never fill two parameters. */
    private static void checkDistinct(List<ParameterSpec> parameters, String at, ConfigReport report) {
        Set<String> kongArguments = new HashSet<>();
        Set<String> arguments = new HashSet<>();
        for (ParameterSpec p : parameters) {
            // the same parameter twice is reported where it is declared
            if (named(p) && kongArguments.add(p.kongArgument()) && !arguments.add(p.argument())) {
                report.problem(at + ".parameters", "argument " + p.argument() + " is defined twice");
            }
        }
    }

    /**
     * Distinct parameters whose portable arguments are one (Twilio's {@code DateSent<} and {@code DateSent>}, both
     * {@code query_DateSent_}) each take the digest of their Kong name instead ({@link ParameterSpec#digested}): the
     * operation stays a tool, whichever order the document lists them in. One whose Kong name is its argument
     * keeps it, as clients set up against Kong send it.
     */
    private static void namedApart(List<ParameterSpec> parameters) {
        Map<String, Integer> uses = new HashMap<>();
        parameters.stream().filter(ToolParameters::named).forEach(p -> uses.merge(p.argument(), 1, Integer::sum));
        parameters.replaceAll(p -> named(p) && uses.get(p.argument()) > 1 && !p.argument().equals(p.kongArgument())
                ? p.digested() : p);
    }

    private static boolean named(ParameterSpec p) {
        return p.name() != null && p.in() != null;
    }

    /**
     * Warns of a header parameter that names one of the tool's fixed headers in any spelling a CGI/WSGI-style
     * upstream reads as it: the fixed value is always sent and the argument never is (enforced when the call is
     * made), so the tool offers an argument that does nothing. A warning, not a problem: Kong loads such a tool.
     */
    private static void warnOfFixedTwin(String name, Set<String> fixed, String at, ConfigReport report) {
        String folded = ForwardedHeaders.folded(name);
        fixed.stream().filter(f -> ForwardedHeaders.folded(f).equals(folded)).findFirst()
                .ifPresent(f -> report.warning(at, "header " + name + " is the tool's fixed header " + f + " (names are "
                        + "read regardless of case and of _ for -): the fixed value is sent and this argument never is"));
    }

    /**
     * Why a cookie parameter named {@code name} cannot be a tool argument, or null when it can: RFC 6265's
     * cookie name is a token. A {@code ;} or {@code =} in the name would let the one argument send
     * another cookie; in an OpenAPI document the operation is skipped with this reason.
     */
    private static String cookieRefusal(String name) {
        return HttpToken.is(name) ? null : "cookie '" + name + "' is not a valid cookie name (letters, digits and "
                + HttpToken.SYMBOLS + " only): a space, ;, =, comma or quote would split the Cookie header";
    }

    private static void addUndeclaredPlaceholders(List<ParameterSpec> parameters, Set<String> declaredPath,
                                                  PathTemplate path, String at, ConfigReport report) {
        for (String placeholder : path.placeholders()) {
            if (!declaredPath.contains(placeholder)) {
                report.warning(at + ".path", "{" + placeholder + "} has no parameters entry; it becomes a required "
                        + "string argument path_" + placeholder);
                parameters.add(new ParameterSpec(placeholder, "path", true, null, ParameterSpec.stringSchema(), "simple", false));
            }
        }
    }
}
