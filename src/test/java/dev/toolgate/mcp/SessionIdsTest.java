package dev.toolgate.mcp;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Session ids: 128 random bits as 22 URL-safe characters. */
class SessionIdsTest {

    @Test
    void idsAre22UrlSafeCharacters() {
        SessionIds ids = new SessionIds(new Random(42));

        assertThat(IntStream.range(0, 1000).mapToObj(i -> ids.next()))
                .allSatisfy(id -> assertThat(id).hasSize(22).matches("[A-Za-z0-9_-]{22}"));
    }

    @Test
    void idsDoNotRepeat() {
        SessionIds ids = new SessionIds(new Random(42));
        Set<String> seen = new HashSet<>();

        IntStream.range(0, 10_000).forEach(i -> assertThat(seen.add(ids.next())).isTrue());
    }

    @Test
    void sameSeedGivesTheSameIdsSoTestsCanPinThem() {
        SessionIds first = new SessionIds(new Random(7));
        SessionIds second = new SessionIds(new Random(7));

        List<String> a = IntStream.range(0, 5).mapToObj(i -> first.next()).toList();
        List<String> b = IntStream.range(0, 5).mapToObj(i -> second.next()).toList();

        assertThat(a).isEqualTo(b).doesNotHaveDuplicates();
    }

    @Test
    void defaultGeneratorProducesTheSameShape() {
        assertThat(new SessionIds().next()).matches("[A-Za-z0-9_-]{22}");
    }
}
