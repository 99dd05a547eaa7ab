package dev.toolgate.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void newTimeOrderedId_sortsByTheTimeItWasMade_andIsAValidClientCallId() {
        Instant start = Instant.parse("2026-12-07T05:00:00Z");
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            made.add(Identifiers.newTimeOrderedId("call", start.plusMillis(i * 7L)));
        }
        List<String> sorted = new ArrayList<>(made);
        sorted.sort(null); // byte order, as an index with the "C" collation or a hex-only key sorts them
        assertThat(sorted).isEqualTo(made);
        assertThat(made.get(0)).matches("call_[0-9a-f]{36}").startsWith("call_" + String.format("%012x", start.toEpochMilli()));
        assertThat(made).allMatch(id -> Identifiers.CALL_ID.matcher(id).matches()); // a client may send it back
    }

    @Test
    void newTimeOrderedId_madeInTheSameMillisecond_differInTheirRandomPart() {
        Instant now = Instant.parse("2026-12-07T05:00:00Z");
        HashSet<String> ids = new HashSet<>();
        HashSet<String> randomParts = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Identifiers.newTimeOrderedId("call", now);
            ids.add(id);
            randomParts.add(id.substring("call_".length() + 12));
        }
        assertThat(ids).hasSize(10_000);
        assertThat(randomParts).hasSize(10_000);
        assertThat(randomParts).allMatch(r -> r.length() == 24); // 96 random bits, as newId has
    }
}
