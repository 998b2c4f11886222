package dev.toolgate.openapi;

/**
 * Bounds swagger-parser's own YAML loading (its 2.0 and 3.x parsers each keep theirs, process-wide),
 * which it uses for documents with references to other files: SnakeYAML's composer expands aliases,
 * so without a bound a 1 KB document of nested aliases takes seconds and gigabytes.
 */
final class SwaggerParserLimits {

    static final int MAX_DEPTH = 100;
    static final int MAX_ALIASES = 1_000;
    static final long MAX_REFERENCES = 100_000;

    private SwaggerParserLimits() {
    }

    static void apply(int maxCodePoints) {
        var v3 = io.swagger.v3.parser.util.DeserializationUtils.getOptions();
        v3.setMaxYamlDepth(MAX_DEPTH);
        v3.setMaxYamlAliasesForCollections(MAX_ALIASES);
        v3.setMaxYamlReferences(MAX_REFERENCES);
        v3.setMaxYamlCodePoints(maxCodePoints);
        v3.setYamlCycleCheck(true);
        v3.setYamlAllowRecursiveKeys(false);
        var v2 = io.swagger.parser.util.DeserializationUtils.getOptions();
        v2.setMaxYamlDepth(MAX_DEPTH);
        v2.setMaxYamlAliasesForCollections(MAX_ALIASES);
        v2.setMaxYamlReferences(MAX_REFERENCES);
        v2.setMaxYamlCodePoints(maxCodePoints);
        v2.setYamlCycleCheck(true);
        v2.setYamlAllowRecursiveKeys(false);
    }
}
