package dev.toolgate.admin;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.toolgate.config.PluginSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of every plugin's config record, however deep, whose name reads like a secret is masked by the
 * Admin API, annotated or not: a field added tomorrow cannot leak because someone forgot {@code @Redacted}.
 * The records are found on the class path (every {@link PluginSettings} record), each filled with a distinct
 * marker string per field, rendered, and searched for the markers of secret-named fields.
 */
class PluginSecretFieldsTest {

    private static final String MARKER = "marker-";

    /** Each plugin config record, filled, by class name. */
    private static final Map<String, PluginSettings> FILLED = new TreeMap<>();
    /** The marker of each string field, by its path ({@code KeyAuthConfig.anonymous}). */
    private static final Map<String, String> MARKERS = new TreeMap<>();

    /** The paths of fields that {@code @Redacted} masks although their names may not say secret (URLs, header maps). */
    private static final Set<String> MASKED_BY_ANNOTATION = new java.util.HashSet<>();

    /**
     * Fields the Admin API's shape of their plugin has no place for, so they are not shown, masked or not: Kong's
     * {@code token_exchange} has no {@code client_alg} (the reader never sets one); ai-mcp-proxy's list of the
     * extensions its file left out is which fields to leave out of the view, not a setting.
     */
    private static final Set<String> NOT_IN_THE_SHOWN_SHAPE = Set.of("OAuth2Config.exchange.client.algorithm",
            "AiMcpProxyConfig.unwrittenExtensions[0]");

    @BeforeAll
    static void fillEveryPluginConfigRecord() throws Exception {
        for (Class<?> type : pluginConfigRecords()) {
            FILLED.put(type.getSimpleName(), (PluginSettings) filled(type, type.getSimpleName()));
        }
    }

    @Test
    void everyPluginConfigRecordIsFound() {
        // an empty class path scan would make the other test pass on nothing
        assertThat(FILLED.keySet()).contains("AiMcpProxyConfig", "KeyAuthConfig", "OAuth2Config", "JwtConfig",
                "HttpLogConfig", "OpenTelemetryConfig", "RequestTransformerConfig", "ResponseTransformerConfig");
    }

    @Test
    void everyFieldWhoseNameReadsLikeASecretIsMaskedAndNoOtherFieldIs() {
        String rendered = String.join("\n", FILLED.values().stream()
                .map(settings -> AdminJson.render(settings, Map.of()).toString()).toList());

        List<String> leaked = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        MARKERS.forEach((path, marker) -> {
            boolean shown = rendered.contains('"' + marker + '"');
            boolean secretNamed = fieldNames(path).anyMatch(AdminJson::masksField);
            if (secretNamed && shown) {
                leaked.add(path);
            } else if (!secretNamed && !shown && !annotatedAsSecret(path) && !NOT_IN_THE_SHOWN_SHAPE.contains(path)) {
                hidden.add(path);
            }
        });
        assertThat(leaked).as("secret-named fields shown in clear").isEmpty();
        assertThat(hidden).as("fields masked although neither their name nor an annotation says secret").isEmpty();
        assertThat(MARKERS.keySet()).as("the walk reaches a secret-named field it must mask")
                .contains("OAuth2Config.client.clientSecret");
    }

    @Test
    void theRuleMasksTheseFieldsAndKeepsTheseReadable() {
        // pinned by hand, not by the rule under test: a word list grown too broad or too narrow fails here
        String rendered = String.join("\n", FILLED.values().stream()
                .map(settings -> AdminJson.render(settings, Map.of()).toString()).toList());
        List<String> masked = List.of("OAuth2Config.client.clientSecret", "OAuth2Config.exchange.client.clientSecret");
        List<String> readable = List.of("KeyAuthConfig.keyNames[0]", "OAuth2Config.exchange.actorTokenHeader",
                "OAuth2Config.exchange.subjectTokenType", "OAuth2Config.authorizationServers[0]",
                "JwtConfig.headerNames[0]", "JwtConfig.cookieNames[0]");
        assertThat(MARKERS.keySet()).containsAll(masked).containsAll(readable);
        assertThat(masked).allSatisfy(path -> assertThat(rendered).doesNotContain('"' + MARKERS.get(path) + '"'));
        assertThat(readable).allSatisfy(path -> assertThat(rendered).contains('"' + MARKERS.get(path) + '"'));
    }

    /** The snake_case names of the fields on a path: a field inside a masked one is masked with it. */
    private static Stream<String> fieldNames(String path) {
        return Stream.of(path.split("\\.")).skip(1)
                .map(name -> name.replaceAll("(\\[0]|\\{})+$", "").replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                        .toLowerCase(java.util.Locale.ROOT));
    }

    private static boolean annotatedAsSecret(String path) {
        return MASKED_BY_ANNOTATION.stream().anyMatch(annotated -> path.equals(annotated)
                || path.startsWith(annotated + ".") || path.startsWith(annotated + "[") || path.startsWith(annotated + "{"));
    }

    private static List<Class<?>> pluginConfigRecords() throws IOException, URISyntaxException {
        Path classes = Path.of(PluginSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> records = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace(java.io.File.separatorChar, '.')
                        .replaceAll("\\.class$", "");
                try {
                    Class<?> type = Class.forName(name, false, PluginSettings.class.getClassLoader());
                    if (type.isRecord() && PluginSettings.class.isAssignableFrom(type)) {
                        records.add(type);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    // not a class this test can load (a module descriptor, say): it is no plugin record
                }
            }
        }
        return records;
    }

    /** A record with every component set: strings to markers unique to their path, containers to one entry. */
    private static Object filled(Class<?> type, String path) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            String at = path + "." + component.getName();
            values[i] = sample(component.getGenericType(), at);
            // @JsonSerialize cannot target a record component: Java puts it on the component's field
            if (type.getDeclaredField(component.getName()).isAnnotationPresent(JsonSerialize.class)) {
                MASKED_BY_ANNOTATION.add(at);
            }
        }
        Constructor<?> canonical = type.getDeclaredConstructor(types);
        canonical.setAccessible(true);
        return canonical.newInstance(values);
    }

    private static Object sample(Type type, String path) throws Exception {
        if (type instanceof ParameterizedType generic) {
            Class<?> raw = (Class<?>) generic.getRawType();
            Type[] arguments = generic.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return List.of(sample(arguments[0], path + "[0]"));
            }
            if (Set.class.isAssignableFrom(raw)) {
                return Set.of(sample(arguments[0], path + "[0]"));
            }
            if (Map.class.isAssignableFrom(raw)) {
                // an ordinary key: map values under secret-named keys are masked by their key, which is not this test's rule
                Object key = arguments[0] == String.class ? "ordinary" : sample(arguments[0], path + "{}");
                return Map.of(key, sample(arguments[1], path + "{}"));
            }
            return null;
        }
        Class<?> raw = (Class<?>) type;
        if (raw == String.class) {
            String marker = MARKER + MARKERS.size();
            MARKERS.put(path, marker);
            return marker;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return true;
        }
        if (raw == int.class || raw == Integer.class) {
            return 1;
        }
        if (raw == long.class || raw == Long.class) {
            return 1L;
        }
        if (raw == double.class || raw == Double.class) {
            return 1.0;
        }
        if (raw.isEnum()) {
            return raw.getEnumConstants()[0];
        }
        if (raw.isRecord()) {
            return filled(raw, path);
        }
        return null;
    }
}
