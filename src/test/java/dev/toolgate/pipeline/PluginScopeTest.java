package dev.toolgate.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Kong's plugin precedence, most specific first, and where a scoped instance applies. */
class PluginScopeTest {

    @Test
    void ranksFollowKongsTwelveLevels() {
        List<PluginScope> kongsOrder = List.of(
                new PluginScope("r", "s", "c", null),   // consumer + route + service
                new PluginScope("r", "s", null, "g"),   // consumer group + route + service
                new PluginScope("r", null, "c", null),  // consumer + route
                new PluginScope(null, "s", "c", null),  // consumer + service
                new PluginScope("r", null, null, "g"),  // consumer group + route
                new PluginScope(null, "s", null, "g"),  // consumer group + service
                new PluginScope("r", "s", null, null),  // route + service
                new PluginScope(null, null, "c", null), // consumer
                new PluginScope(null, null, null, "g"), // consumer group
                new PluginScope("r", null, null, null), // route
                new PluginScope(null, "s", null, null), // service
                new PluginScope(null, null, null, null)); // global
        for (int i = 0; i < kongsOrder.size(); i++) {
            assertThat(kongsOrder.get(i).rank()).as(kongsOrder.get(i).toString()).isEqualTo(i + 1);
        }
    }

    @Test
    void anInstanceAppliesToItsRouteAndServiceOnly() {
        assertThat(new PluginScope("r1", null, null, null).appliesTo("r1", "s1")).isTrue();
        assertThat(new PluginScope("r1", null, null, null).appliesTo("r2", "s1")).isFalse();
        assertThat(new PluginScope(null, "s1", null, null).appliesTo("r9", "s1")).isTrue();
        assertThat(new PluginScope(null, "s1", null, null).appliesTo("r9", null)).isFalse();
        assertThat(new PluginScope(null, null, null, null).appliesTo("r9", null)).isTrue();
        assertThat(new PluginScope(null, null, "c", null).needsCaller()).isTrue();
        assertThat(new PluginScope("r", "s", null, null).needsCaller()).isFalse();
    }

    @Test
    void aConsumerOrGroupScopeMatchesOnlyItsCallers() {
        assertThat(new PluginScope(null, null, "c", null).matches(Principal.NONE)).isFalse();
        assertThat(new PluginScope(null, null, null, "gold").matches(Principal.NONE)).isFalse();
        assertThat(new PluginScope(null, null, null, "gold").matches(
                new Principal(null, List.of("gold"), null, null, List.of(), false))).isTrue();
        assertThat(new PluginScope("r", null, null, null).matches(Principal.NONE)).isTrue();
    }
}
