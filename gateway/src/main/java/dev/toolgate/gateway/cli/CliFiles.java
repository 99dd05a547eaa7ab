package dev.toolgate.gateway.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Files the CLI reads, with one-line errors. */
final class CliFiles {
    /** The gateway's default cap on an {@code ImportOpenApi} request ({@code toolgate.grpc.max-import-bytes}). */
    static final long MAX_DOCUMENT_BYTES = 41_943_040;

    private CliFiles() {
    }

    /**
     * The file as UTF-8 text.
     *
     * @param kind what the file should be, for the error on non-UTF-8 bytes ("an OpenAPI document")
     */
    static String readUtf8(Path file, String kind) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new CliException(file + ": not UTF-8 text, so not " + kind);
        } catch (IOException e) {
            throw new CliException(file + ": " + e.getMessage());
        }
    }

    /**
     * The file as UTF-8 text, gunzipped when it starts with the gzip magic bytes (whatever its name).
     * At most {@code maxBytes} of text, counted after decompression: a small archive that unpacks to
     * more (a gzip bomb) is refused without unpacking the rest.
     */
    static String readDocument(Path file, String kind, long maxBytes) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new CliException(file + ": " + (gzip ? "decompresses to" : "is") + " more than " + maxBytes
                            + " bytes, the largest document the gateway imports (toolgate.grpc.max-import-bytes); refused");
                }
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            }
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new CliException(file + ": not UTF-8 text" + "" + ", so not " + kind);
        } catch (ZipException | java.io.EOFException e) {
            throw new CliException(file + ": starts like gzip but is not a readable gzip file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new CliException(file + ": " + e.getMessage());
        }
    }
}
