package dev.toolgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML policy or test file read into SnakeYAML's node tree, which keeps the line and
 * column of every value, so that each problem can be reported at its place. Reading is
 * bounded (size, nesting, aliases) and collects problems instead of stopping at the first.
 */
final class YamlSource {
    static final int MAX_FILE_CHARS = 4 * 1024 * 1024;
    private static final int MAX_DEPTH = 40;
    private static final int MAX_ALIASES = 50;

    private final String file;
    private final String text;
    private final List<Problem> problems;

    private YamlSource(String file, String text, List<Problem> problems) {
        this.file = file;
        this.text = text;
        this.problems = problems;
    }

    static YamlSource of(String file, String text, List<Problem> problems) {
        return new YamlSource(file, text, problems);
    }

    String file() {
        return file;
    }

    /** The document's root node, or empty (with a problem) when the text is not one YAML document. */
    Optional<Node> root() {
        if (text.length() > MAX_FILE_CHARS) {
            problems.add(Problem.error(SourcePosition.ofFile(file), "file is larger than " + MAX_FILE_CHARS + " chars"));
            return Optional.empty();
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_FILE_CHARS);
        options.setAllowRecursiveKeys(false);
        try {
            List<Node> documents = new ArrayList<>();
            new Yaml(new SafeConstructor(options)).composeAll(new StringReader(text)).forEach(documents::add);
            if (documents.size() > 1) {
                problems.add(Problem.error(at(documents.get(1)), "a policy file holds one YAML document; found "
                        + documents.size()));
                return Optional.empty();
            }
            return documents.stream().findFirst();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String why = e.getProblem() != null ? e.getProblem() : e.getMessage();
            problems.add(Problem.error(mark == null ? SourcePosition.ofFile(file)
                    : new SourcePosition(file, mark.getLine() + 1, mark.getColumn() + 1), "invalid YAML: " + why));
            return Optional.empty();
        } catch (YAMLException e) {
            problems.add(Problem.error(SourcePosition.ofFile(file), "invalid YAML: " + e.getMessage()));
            return Optional.empty();
        }
    }

    SourcePosition at(Node node) {
        Mark mark = node.getStartMark();
        return mark == null ? SourcePosition.ofFile(file) : new SourcePosition(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** The text of the given 1-based line (for placing errors inside multi-line values). */
    String line(int number) {
        String[] lines = text.split("\r?\n", -1);
        return number >= 1 && number <= lines.length ? lines[number - 1] : "";
    }

    int errorCount() {
        return (int) problems.stream().filter(Problem::isError).count();
    }

    void error(Node node, String message) {
        problems.add(Problem.error(at(node), message));
    }

    void error(SourcePosition at, String message) {
        problems.add(Problem.error(at, message));
    }

    void warning(Node node, String message) {
        problems.add(Problem.warning(at(node), message));
    }

    /** Reads a mapping's keys; reports a node of another kind, duplicate keys and keys not in {@code known}. */
    Fields fields(Node node, String what, Set<String> known) {
        Map<String, Node> values = new LinkedHashMap<>();
        Map<String, Node> keys = new LinkedHashMap<>();
        if (!(node instanceof MappingNode mapping)) {
            error(node, what + " must be a mapping (key: value lines)");
            return new Fields(node, values, keys);
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                error(tuple.getKeyNode(), what + " keys must be plain words");
                continue;
            }
            String name = key.getValue();
            if (values.containsKey(name)) {
                error(key, "duplicate key '" + name + "' in " + what);
            } else if (!known.contains(name)) {
                error(key, "unknown key '" + name + "' in " + what + Suggestions.didYouMean(name, known)
                        + "; allowed: " + String.join(", ", known));
            } else {
                values.put(name, tuple.getValueNode());
                keys.put(name, key);
            }
        }
        return new Fields(node, values, keys);
    }

    /** The named fields of one mapping, each read with a check of its kind. */
    final class Fields {
        private final Node node;
        private final Map<String, Node> values;
        private final Map<String, Node> keys;

        private Fields(Node node, Map<String, Node> values, Map<String, Node> keys) {
            this.node = node;
            this.values = values;
            this.keys = keys;
        }

        SourcePosition position() {
            return at(node);
        }

        SourcePosition position(String key) {
            Node k = keys.get(key);
            return k == null ? at(node) : at(k);
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        Optional<Node> node(String key) {
            return Optional.ofNullable(values.get(key));
        }

        Optional<ScalarNode> scalar(String key, String what) {
            Node value = values.get(key);
            if (value == null) {
                return Optional.empty();
            }
            if (value instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
                return Optional.of(s);
            }
            error(value, what + " must be a single value");
            return Optional.empty();
        }

        Optional<String> string(String key) {
            return scalar(key, "'" + key + "'").map(ScalarNode::getValue);
        }

        String requiredString(String key, String whatIsIt) {
            if (!has(key)) {
                error(node, "missing '" + key + "': " + whatIsIt);
                return "";
            }
            return string(key).orElse("");
        }

        Optional<Boolean> bool(String key) {
            return scalar(key, "'" + key + "'").flatMap(s -> {
                if (Tag.BOOL.equals(s.getTag())) {
                    return Optional.of(Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT)));
                }
                error(s, "'" + key + "' must be true or false, not '" + s.getValue() + "'");
                return Optional.empty();
            });
        }

        /** A list of strings; a single string is accepted as a list of one. Each item keeps its node. */
        List<ScalarNode> strings(String key) {
            Node value = values.get(key);
            List<ScalarNode> out = new ArrayList<>();
            if (value == null) {
                return out;
            }
            if (value instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
                out.add(s);
                return out;
            }
            if (!(value instanceof SequenceNode seq)) {
                error(value, "'" + key + "' must be a list of strings");
                return out;
            }
            Set<String> seen = new HashSet<>();
            for (Node item : seq.getValue()) {
                if (item instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
                    if (!seen.add(s.getValue())) {
                        warning(s, "'" + s.getValue() + "' is listed twice in '" + key + "'");
                    }
                    out.add(s);
                } else {
                    error(item, "every item of '" + key + "' must be a string");
                }
            }
            return out;
        }

        Optional<List<Node>> sequence(String key) {
            Node value = values.get(key);
            if (value == null) {
                return Optional.empty();
            }
            if (value instanceof SequenceNode seq) {
                return Optional.of(seq.getValue());
            }
            error(value, "'" + key + "' must be a list (lines starting with '- ')");
            return Optional.empty();
        }

        Map<String, String> stringMap(String key) {
            Node value = values.get(key);
            Map<String, String> out = new LinkedHashMap<>();
            if (value == null) {
                return out;
            }
            if (!(value instanceof MappingNode mapping)) {
                error(value, "'" + key + "' must be a mapping of names to strings");
                return out;
            }
            for (NodeTuple t : mapping.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v
                        && !Tag.NULL.equals(v.getTag())) {
                    out.put(k.getValue(), v.getValue());
                } else {
                    error(t.getKeyNode(), "'" + key + "' must map names to plain strings");
                }
            }
            return out;
        }
    }

    /** The node as JSON (for test-case arguments): YAML's resolved scalar types map to JSON's. */
    JsonNode toJson(Node node) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (node instanceof MappingNode mapping) {
            ObjectNode out = json.objectNode();
            for (NodeTuple t : mapping.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    out.set(k.getValue(), toJson(t.getValueNode()));
                } else {
                    error(t.getKeyNode(), "object keys must be strings");
                }
            }
            return out;
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode out = json.arrayNode();
            seq.getValue().forEach(item -> out.add(toJson(item)));
            return out;
        }
        ScalarNode s = (ScalarNode) node;
        Tag tag = s.getTag();
        String v = s.getValue();
        try {
            if (Tag.NULL.equals(tag)) {
                return json.nullNode();
            }
            if (Tag.BOOL.equals(tag)) {
                return json.booleanNode(Boolean.parseBoolean(v.toLowerCase(java.util.Locale.ROOT)));
            }
            if (Tag.INT.equals(tag)) {
                BigInteger i = new BigInteger(v.replace("_", ""));
                return i.bitLength() < 64 ? json.numberNode(i.longValue()) : json.numberNode(i);
            }
            if (Tag.FLOAT.equals(tag)) {
                return json.numberNode(new BigDecimal(v.replace("_", "")));
            }
        } catch (NumberFormatException e) {
            error(node, "'" + v + "' is not a number JSON can hold; quote it to use it as a string");
        }
        return json.textNode(v);
    }
}
