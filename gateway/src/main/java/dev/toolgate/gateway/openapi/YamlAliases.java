package dev.toolgate.gateway.openapi;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Counts how many nodes a YAML text's aliases ({@code *name}) would copy once expanded,
 * reading only the parser's events: nothing is built, so a billion-laughs document — a few
 * hundred bytes whose nested aliases expand to billions of nodes — is measured in time linear
 * in its length. Every parser that later builds a tree (Jackson, swagger-parser's SnakeYAML)
 * expands aliases into copies; documents whose aliases copy more than
 * {@link #MAX_ALIAS_NODES} nodes are refused before they run. Stateless.
 */
final class YamlAliases {
    /** Nodes all aliases of one document may copy together. */
    static final long MAX_ALIAS_NODES = 100_000;

    private YamlAliases() {
    }

    /** Why the text's aliases are refused, or empty (also for text that is not YAML: that is reported later). */
    static Optional<String> problem(String text, int maxChars, int maxDepth) {
        if (text.indexOf('*') < 0) {
            return Optional.empty(); // no alias at all
        }
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(maxChars);
        options.setNestingDepthLimit(maxDepth);
        Map<String, Long> anchored = new HashMap<>();
        Deque<Frame> open = new ArrayDeque<>();
        long copied = 0;
        try {
            for (Event event : new Yaml(options).parse(new StringReader(text))) {
                long size;
                if (event instanceof ScalarEvent scalar) {
                    size = 1;
                    if (scalar.getAnchor() != null) {
                        anchored.put(scalar.getAnchor(), 1L);
                    }
                } else if (event instanceof AliasEvent alias) {
                    size = anchored.getOrDefault(alias.getAnchor(), 1L);
                    copied = saturatedAdd(copied, size);
                    if (copied > MAX_ALIAS_NODES) {
                        return Optional.of("the document's YAML aliases (*" + OpenApiDocument.abbreviate(
                                alias.getAnchor()) + " and others) expand to more than " + MAX_ALIAS_NODES
                                + " nodes; write the repeated parts out or use $ref");
                    }
                } else if (event instanceof CollectionStartEvent start) {
                    open.push(new Frame(start.getAnchor()));
                    continue;
                } else if (event instanceof CollectionEndEvent && !open.isEmpty()) {
                    Frame done = open.pop();
                    size = saturatedAdd(done.size, 1);
                    if (done.anchor != null) {
                        anchored.put(done.anchor, size);
                    }
                } else {
                    continue;
                }
                if (!open.isEmpty()) {
                    open.peek().size = saturatedAdd(open.peek().size, size);
                }
            }
        } catch (YAMLException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    private static final class Frame {
        final String anchor;
        long size;

        Frame(String anchor) {
            this.anchor = anchor;
        }
    }
}
