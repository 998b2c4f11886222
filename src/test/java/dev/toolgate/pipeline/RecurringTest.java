package dev.toolgate.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A string most exchanges of a route repeat is handed on as one instance. */
class RecurringTest {

    @Test
    void anEqualValueComesBackAsTheInstanceKeptBefore() {
        Recurring authority = new Recurring();
        String first = new String("gateway.example:8000".toCharArray());
        String second = new String("gateway.example:8000".toCharArray());
        assertThat(authority.of(first)).isSameAs(first);
        assertThat(authority.of(second)).isSameAs(first);
    }

    @Test
    void aDifferentValueIsReturnedAsItCameAndKeptFromThenOn() {
        Recurring authority = new Recurring();
        authority.of("a.example");
        String other = new String("b.example".toCharArray());
        assertThat(authority.of(other)).isSameAs(other);
        assertThat(authority.of(new String("b.example".toCharArray()))).isSameAs(other);
    }

    @Test
    void anAbsentValueStaysAbsentAndKeepsTheKeptOne() {
        Recurring authority = new Recurring();
        authority.of("a.example");
        assertThat(authority.of(null)).isNull();
        assertThat(authority.of(new String("a.example".toCharArray()))).isSameAs("a.example");
    }
}
