package dev.toolgate.gateway.cli;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Files the CLI reads, with one-line errors. */
final class CliFiles {
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
}
