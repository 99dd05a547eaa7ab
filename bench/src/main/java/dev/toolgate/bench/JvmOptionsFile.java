package dev.toolgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code gateway/jvm.options} as the launcher ({@code ./toolgate}) does: one option per line,
 * {@code #} starts a comment, blank lines are skipped, a line {@code N-:option} applies only on JDK
 * {@code N} or later (an option older JDKs refuse to start with) and {@code N-M:option} only on JDK
 * {@code N} to {@code M} (one a later JDK may no longer know). No JVM option starts with a digit, so
 * a line that does is a version prefix up to its first colon, or refused.
 */
final class JvmOptionsFile {
    private static final Pattern VERSIONED = Pattern.compile("(\\d{1,4})-(\\d{1,4})?:(.*)");

    private JvmOptionsFile() {
    }

    /**
     * The options that apply on JDK {@code javaFeature}, in file order.
     *
     * @throws IllegalArgumentException for a line {@code N-:} with no option after it, one whose prefix
     *         is not a JDK version or range (one to four digits each), or an empty range
     */
    static List<String> parse(List<String> lines, int javaFeature) {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String option = stripAscii(comment >= 0 ? line.substring(0, comment) : line);
            if (option.isEmpty()) {
                continue;
            }
            if (option.charAt(0) >= '0' && option.charAt(0) <= '9') {
                String prefix = option.indexOf(':') >= 0 ? option.substring(0, option.indexOf(':')) : option;
                Matcher m = VERSIONED.matcher(option);
                if (!m.matches()) {
                    throw new IllegalArgumentException("jvm.options line " + (i + 1) + ": '" + prefix
                            + ":' is not a JDK version (N-:) or range (N-M:)");
                }
                int from = Integer.parseInt(m.group(1));
                int to = m.group(2) == null ? Integer.MAX_VALUE : Integer.parseInt(m.group(2));
                if (to < from) {
                    throw new IllegalArgumentException("jvm.options line " + (i + 1) + ": '" + prefix
                            + ":' is an empty range");
                }
                String guarded = stripAscii(m.group(3));
                if (guarded.isEmpty()) {
                    throw new IllegalArgumentException("jvm.options line " + (i + 1) + ": '" + prefix
                            + ":' names a JDK version but no option");
                }
                if (javaFeature < from || javaFeature > to) {
                    continue;
                }
                option = guarded;
            }
            options.add(option);
        }
        return List.copyOf(options);
    }

    /** The file's lines as the launcher's {@code read} takes them: split at {@code \\n} only (a {@code \\r} is a blank). */
    static List<String> lines(String file) {
        List<String> lines = new ArrayList<>(List.of(file.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // after the last newline
        }
        return lines;
    }

    /** Without leading and trailing ASCII blanks, the ones the launcher strips (in any locale). */
    private static String stripAscii(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && " \t\n\r\f\u000B".indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && " \t\n\r\f\u000B".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }
}
