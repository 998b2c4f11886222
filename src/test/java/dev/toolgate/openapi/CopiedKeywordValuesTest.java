package dev.toolgate.openapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A keyword's list (a {@code required} of thousands of names, a long {@code enum}) in a schema that is
 * copied in at many places is judged and rewritten once: the budget counts schema objects, not the
 * length of their keywords' values, so work per copy in the length of the list multiplies unbounded.
 */
class CopiedKeywordValuesTest {

    /** 500 parameters that each copy in 4,095 objects or more, half of them {@code leaf}: refused before the 62nd. */
    private static String copiedLeaf(String leaf) {
        return SchemaConverterTest.withParameters(SchemaConverterTest.doublingReferences(12, "#/x-defs"), 500,
                "{$ref: '#/x-defs/d11'}").replace("d0: {type: string}", "d0: " + leaf);
    }

    private static String values(int count) {
        return IntStream.range(0, count).mapToObj(i -> "v" + i).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Bytes the current thread allocates refusing {@code yaml} (once warm), after checking the refusal. */
    private static long allocatedRefusing(String yaml) {
        assertThatThrownBy(() -> SchemaConverterTest.generate(yaml)).isInstanceOf(OpenApiException.class);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> SchemaConverterTest.generate(yaml))
                .isInstanceOf(OpenApiException.class)
                .hasMessageStartingWith("paths./a.get.parameters.p")
                .hasMessageContaining("the document's schemas expand to more than 250000 schema objects in all");
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aToolOfKilobytesThatWouldBeWrittenOutAsHundredsOfMegabytesIsRefused() {
        // two parameters copying a 32,768-leaf schema whose leaf lists 1,000 required names: within the object
        // budgets, and cheap to hold (the copies share the list), but ~700 MB of JSON in tools/list
        String yaml = SchemaConverterTest.withParameters(SchemaConverterTest.doublingReferences(16, "#/x-defs"), 2,
                "{$ref: '#/x-defs/d15'}").replace("d0: {type: string}", "d0: {type: object, required: " + values(1000) + "}");
        assertThat(yaml.length()).isLessThan(16_000);

        assertThatThrownBy(() -> SchemaConverterTest.generate(yaml))
                .isInstanceOf(OpenApiException.class)
                .hasMessageStartingWith("paths./a.get: the tool's schemas, written out, take more than 8 MiB");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> SchemaConverterTest.generate(yaml)).isInstanceOf(OpenApiException.class);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("%d MB allocated", allocated >> 20).isLessThan(600L << 20);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRequiredListOfThousandsOfNamesCopiedInAtEveryUseIsCheckedOnce() {
        // with a readOnly property, the arguments' copies leave it out of the list too
        String yaml = copiedLeaf("{type: object, properties: {v0: {type: string, readOnly: true}}, required: "
                + values(3000) + "}");

        // about 310 MB; checked and rewritten at each of 125,000 copies, the list took 14 GB and 10 s of CPU
        long allocated = allocatedRefusing(yaml);
        assertThat(allocated).as("%d MB allocated", allocated >> 20).isLessThan(600L << 20);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNullableEnumOfThousandsOfValuesCopiedInAtEveryUseGetsItsNullOnce() {
        String yaml = copiedLeaf("{type: string, nullable: true, enum: " + values(3000) + "}");

        // about 280 MB; copied with its null at each of 125,000 uses, the list took 3.9 GB and 5 s (10,000 values: the heap)
        long allocated = allocatedRefusing(yaml);
        assertThat(allocated).as("%d MB allocated", allocated >> 20).isLessThan(600L << 20);
    }

    @Test
    void aCopiedNullableEnumAndItsOriginalStayAsWritten() {
        String yaml = SpecReferencesTest.openapi("#/x-defs/Holder") + """
                x-defs:
                  Size: {type: string, nullable: true, enum: [s, m]}
                  Holder: {type: object, properties: {a: {$ref: '#/x-defs/Size'}, b: {$ref: '#/x-defs/Size'}}}
                """;

        ToolGenerator.Generated generated = SchemaConverterTest.generate(yaml);

        assertThat(generated.tools()).singleElement().satisfies(tool -> assertThat(tool.responses().toString())
                .contains("\"a\":{\"type\":[\"string\",\"null\"],\"enum\":[\"s\",\"m\",null]}")
                .contains("\"b\":{\"type\":[\"string\",\"null\"],\"enum\":[\"s\",\"m\",null]}"));
    }
}
