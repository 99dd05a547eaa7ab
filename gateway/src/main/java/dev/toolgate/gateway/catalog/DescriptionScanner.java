package dev.toolgate.gateway.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks for text in a tool definition that is aimed at the model rather than describing the
 * tool (tool poisoning): invisible or direction-changing characters, hidden markup, and
 * instruction phrases. Scans the description and every {@code description}/{@code title} in
 * the schemas. Findings are reported, never acted on by themselves. Stateless.
 */
public final class DescriptionScanner {
    private static final int MAX_FINDINGS = 20;
    private static final Pattern HIDDEN_MARKUP = Pattern.compile(
            "(?is)<!--.*?-->|<\\s*(important|system|instructions?|secret|hidden)\\b[^>]*>");
    private static final Pattern INSTRUCTION = Pattern.compile("(?i)\\b("
            + "ignore (all |any )?(the )?(previous|prior|above|earlier|other) (instructions|prompts|rules)"
            + "|disregard (all |any )?(the )?(previous|prior|above|earlier|other)"
            + "|forget (all |any )?(your|the) (previous |prior )?instructions"
            + "|(do not|don't|never) (tell|inform|mention|reveal)[^.]{0,40}\\b(user|human)"
            + "|system prompt"
            + "|you are now"
            + "|new instructions"
            + "|before (using|calling) (this|any) tool"
            + "|(read|send|include|upload)[^.]{0,40}(\\.ssh|id_rsa|\\.env\\b|api[_ -]?key|password|credentials)"
            + ")");

    private DescriptionScanner() {
    }

    /** Findings for a definition (description plus schema texts), in order of appearance, deduplicated. */
    public static List<String> scan(PinnedDefinition definition) {
        Set<String> findings = new LinkedHashSet<>();
        scanText("description", definition.description(), findings);
        scanSchema("input_schema", definition.json().path("input_schema"), findings, 0);
        scanSchema("output_schema", definition.json().path("output_schema"), findings, 0);
        return new ArrayList<>(findings).subList(0, Math.min(findings.size(), MAX_FINDINGS));
    }

    /** Findings in one text; {@code where} names it in each finding. */
    public static List<String> scanText(String where, String text) {
        Set<String> findings = new LinkedHashSet<>();
        scanText(where, text, findings);
        return List.copyOf(findings);
    }

    private static void scanSchema(String path, JsonNode node, Set<String> findings, int depth) {
        if (depth > 32 || findings.size() >= MAX_FINDINGS) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String p = path + "/" + e.getKey();
                if ((e.getKey().equals("description") || e.getKey().equals("title")) && e.getValue().isTextual()) {
                    scanText(p, e.getValue().asText(), findings);
                } else {
                    scanSchema(p, e.getValue(), findings, depth + 1);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                scanSchema(path + "/" + i, node.get(i), findings, depth + 1);
            }
        }
    }

    private static void scanText(String where, String text, Set<String> findings) {
        for (Finding f : Seen.findings(text)) {
            findings.add(f.what() + " in " + where + f.after());
        }
    }

    /** A finding in some text: {@code what} and {@code after} go around the text's place. */
    private record Finding(String what, String after) {
    }

    /**
     * What one text holds, without where it is. OpenAPI imports repeat the same
     * texts in many tools (Kubernetes' ObjectMeta descriptions appear in hundreds of its 738 input
     * schemas), and the instruction pattern is most of a first import's own work, so the answers for
     * longer texts are kept: at most 4 Mi chars of text in all, forgotten together
     * when full. Thread-safe.
     */
    private static final class Seen {
        private static final int MIN_KEPT_LENGTH = 64;
        private static final long MAX_KEPT_CHARS = 4L * 1024 * 1024;
        private static final java.util.concurrent.ConcurrentHashMap<String, List<Finding>> KEPT =
                new java.util.concurrent.ConcurrentHashMap<>();
        private static final java.util.concurrent.atomic.AtomicLong KEPT_CHARS = new java.util.concurrent.atomic.AtomicLong();

        static List<Finding> findings(String text) {
            if (text.length() < MIN_KEPT_LENGTH) {
                return scan(text);
            }
            List<Finding> known = KEPT.get(text);
            if (known != null) {
                return known;
            }
            List<Finding> found = scan(text);
            if (KEPT_CHARS.addAndGet(text.length()) > MAX_KEPT_CHARS) {
                KEPT.clear();
                KEPT_CHARS.set(text.length());
            }
            KEPT.put(text, found);
            return found;
        }
    }

    private static List<Finding> scan(String text) {
        List<Finding> findings = new ArrayList<>(0);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (invisible(cp)) {
                findings.add(new Finding("invisible-character: U+" + String.format(Locale.ROOT, "%04X", cp), " at " + i));
                break; // one per text is enough to flag it
            }
            i += Character.charCount(cp);
        }
        Matcher m = HIDDEN_MARKUP.matcher(text);
        if (m.find()) {
            findings.add(new Finding("hidden-markup: " + quote(m.group()), ""));
        }
        Matcher ins = INSTRUCTION.matcher(text);
        if (ins.find()) {
            findings.add(new Finding("instruction: " + quote(ins.group()), ""));
        }
        return List.copyOf(findings);
    }

    /** Zero-width, direction-changing, tag and other format characters a reader does not see. */
    static boolean invisible(int cp) {
        return Character.getType(cp) == Character.FORMAT || (cp >= 0xE0000 && cp <= 0xE007F)
                || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x115F || cp == 0x1160 || cp == 0x3164;
    }

    private static String quote(String s) {
        String one = s.replaceAll("\\s+", " ");
        return "\"" + (one.length() > 80 ? one.substring(0, 80) + "…" : one) + "\"";
    }
}
