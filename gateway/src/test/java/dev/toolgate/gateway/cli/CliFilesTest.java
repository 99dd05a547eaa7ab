package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliFilesTest {
    private static final Path SHIPPED_SAMPLE = Path.of("src", "test", "resources", "openapi", "discord-openapi.json.gz");

    @TempDir
    Path dir;

    @Test
    void aShippedGzippedSampleReadsAsItsDecompressedText() throws Exception {
        String expected;
        try (var in = new GZIPInputStream(Files.newInputStream(SHIPPED_SAMPLE))) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        String text = CliFiles.readDocument(SHIPPED_SAMPLE, "an OpenAPI document", CliFiles.MAX_DOCUMENT_BYTES);

        assertThat(text).isEqualTo(expected).contains("\"openapi\"");
    }

    @Test
    void gzipIsRecognisedByItsMagicBytesNotItsName() throws Exception {
        Path file = dir.resolve("spec.json");
        gzip(file, "{\"openapi\":\"3.0.0\"}".getBytes(StandardCharsets.UTF_8), 1);

        assertThat(CliFiles.readDocument(file, "an OpenAPI document", 1024)).isEqualTo("{\"openapi\":\"3.0.0\"}");
    }

    @Test
    void plainTextIsReadAsItIs() throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, "openapi: 3.0.0\n");

        assertThat(CliFiles.readDocument(file, "an OpenAPI document", 1024)).isEqualTo("openapi: 3.0.0\n");
    }

    @Test
    void aGzipBombIsRefusedByItsDecompressedSize() throws Exception {
        Path bomb = dir.resolve("bomb.json.gz");
        byte[] zeros = new byte[1 << 20];
        gzip(bomb, zeros, 64); // 64 MiB of zeros in about 64 KiB
        assertThat(Files.size(bomb)).isLessThan(CliFiles.MAX_DOCUMENT_BYTES / 100);

        assertThatThrownBy(() -> CliFiles.readDocument(bomb, "an OpenAPI document", CliFiles.MAX_DOCUMENT_BYTES))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("decompresses to more than 41943040 bytes")
                .hasMessageContaining("toolgate.grpc.max-import-bytes");
    }

    @Test
    void aPlainFileOverTheLimitIsRefusedToo() throws Exception {
        Path file = dir.resolve("big.json");
        Files.write(file, new byte[2048]);

        assertThatThrownBy(() -> CliFiles.readDocument(file, "an OpenAPI document", 1024))
                .isInstanceOf(CliException.class).hasMessageContaining("is more than 1024 bytes");
    }

    @Test
    void aTruncatedGzipFileSaysSo() throws Exception {
        Path file = dir.resolve("cut.json.gz");
        gzip(file, "{\"openapi\":\"3.0.0\", \"paths\": {}}".repeat(50).getBytes(StandardCharsets.UTF_8), 1);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length / 2));

        assertThatThrownBy(() -> CliFiles.readDocument(file, "an OpenAPI document", 1 << 20))
                .isInstanceOf(CliException.class).hasMessageContaining("not a readable gzip file");
    }

    private static void gzip(Path file, byte[] block, int times) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < times; i++) {
                out.write(block);
            }
        }
    }
}
