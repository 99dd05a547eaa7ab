package dev.toolgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code gateway/jvm.options} as the launcher ({@code ./toolgate}) does: one option per line,
 * {@code #} starts a comment, blank lines are skipped, and a line {@code N-:option} applies only on
 * JDK {@code N} or later (an option older JDKs refuse to start with).
 */
final class JvmOptionsFile {
    private static final Pattern FROM_VERSION = Pattern.compile("(\\d{1,4})-:(.*)");
    /** What the launcher takes for a version prefix: a digit first, then anything up to {@code -:}. */
    private static final Pattern LOOKS_VERSIONED = Pattern.compile("\\d.*?-:.*");

    private JvmOptionsFile() {
    }

    /**
     * The options that apply on JDK {@code javaFeature}, in file order.
     *
     * @throws IllegalArgumentException for a line {@code N-:} with no option after it, or one whose
     *         {@code N} is not a JDK version (one to four digits)
     */
    static List<String> parse(List<String> lines, int javaFeature) {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String option = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (option.isEmpty()) {
                continue;
            }
            Matcher m = FROM_VERSION.matcher(option);
            if (!m.matches() && LOOKS_VERSIONED.matcher(option).matches()) {
                throw new IllegalArgumentException("jvm.options line " + (i + 1) + ": '"
                        + option.substring(0, option.indexOf("-:")) + "-:' is not a JDK version");
            }
            if (m.matches()) {
                String guarded = m.group(2).strip();
                if (guarded.isEmpty()) {
                    throw new IllegalArgumentException("jvm.options line " + (i + 1) + ": '" + option
                            + "' names a JDK version but no option");
                }
                if (javaFeature < Integer.parseInt(m.group(1))) {
                    continue;
                }
                option = guarded;
            }
            options.add(option);
        }
        return List.copyOf(options);
    }
}
