package dev.toolgate.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DigestsTest {
    @Test
    void sha256Hex_matchesTheStandardTestVectors() {
        assertThat(Digests.sha256Hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Digests.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Digests.sha256Hex("é")).isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c")
                .isNotEqualTo(Digests.sha256Hex("e"));
    }

    @Test
    void sha256Hex_fromManyThreadsAtOnce_givesEachTextItsOwnDigest() throws Exception {
        List<String> texts = IntStream.range(0, 2_000).mapToObj(i -> "text-" + i).toList();
        List<String> expected = texts.stream().map(Digests::sha256Hex).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> runs = IntStream.range(0, 8)
                    .mapToObj(r -> pool.submit(() -> texts.stream().map(Digests::sha256Hex).toList())).toList();
            for (Future<List<String>> run : runs) {
                assertThat(run.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(expected).doesNotHaveDuplicates();
    }
}
