package dev.toolgate.openapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The copies of a reference that is not a component are checked against the meta-schema once for all
 * their uses, and the schemas that hold them are judged, and their problems worded, as when each copy
 * was checked in place.
 */
class ReferenceCopiesTest {

    private static final String THREE_OPERATIONS = """
            openapi: 3.0.0
            info: {title: x, version: '1'}
            paths:
              /a:
                get:
                  operationId: a
                  parameters:
                    - {name: good, in: query, schema: {$ref: '#/x-defs/Good'}}
                  responses: {'204': {description: none}}
              /b:
                get:
                  operationId: b
                  parameters:
                    - {name: both, in: query, schema: {properties: {g: {$ref: '#/x-defs/Good'}, b: {$ref: '#/x-defs/Bad'}}}}
                  responses: {'204': {description: none}}
              /c:
                get:
                  operationId: c
                  parameters:
                    - {name: bad, in: query, schema: {allOf: [{$ref: '#/x-defs/Good'}, {$ref: '#/x-defs/Bad'}]}}
                  responses: {'204': {description: none}}
            x-defs:
              Good: {type: object, properties: {name: {type: string}, tags: {type: array, items: {type: string}}}}
              Bad: {type: array, items: [{type: string}, {type: integer}]}
            """;

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void parametersThatEachCopyInTheSameLargeSchemaAreRefusedWithoutCheckingEachCopyAgainstTheMetaSchema() {
        String yaml = SchemaConverterTest.withParameters(SchemaConverterTest.doublingReferences(16, "#/x-defs"), 500,
                "{$ref: '#/x-defs/d15'}");
        // class loading and the meta-schema's own loading do not count
        assertThatThrownBy(() -> SchemaConverterTest.generate(yaml)).isInstanceOf(OpenApiException.class);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> SchemaConverterTest.generate(yaml))
                .isInstanceOf(OpenApiException.class)
                .hasMessageStartingWith("paths./a.get.parameters.p3")
                .hasMessageContaining("the document's schemas expand to more than 250000 schema objects in all");

        // building the 262,140 objects that pass the budget takes ~200 MB; checking each copy in place took 1.8 GB
        // more, and seconds of CPU (30 s of a loaded machine's, longer than the Admin API's wait)
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        assertThat(allocated).as("%d MB allocated", allocated >> 20).isLessThan(600L << 20);
    }

    @Test
    void aSchemaHoldingACopyAlreadyFoundValidIsJudgedAndWordedByItsOtherParts() {
        ToolGenerator.Generated generated = SchemaConverterTest.generate(THREE_OPERATIONS);

        assertThat(generated.tools()).extracting(tool -> tool.name()).containsExactly("a");
        // what checking Bad in place says (its list of items, as each of the meta-schema's parts sees it), and no more
        String problems = " is not a valid JSON Schema: "
                + String.join("; ", Collections.nCopies(8, "array found, [object, boolean] expected"));
        assertThat(generated.skipped()).extracting(ToolGenerator.Skipped::toString).containsExactly(
                "GET /b (b): paths./b.get.parameters.both" + problems,
                "GET /c (c): paths./c.get.parameters.bad" + problems);
    }
}
