package dev.toolgate.gateway.validation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.path.NodePath;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** A tool's input schema, compiled once per tool version. Thread-safe. */
public final class CompiledSchema {
    /** A schema of at most this many JSON nodes, without references, is small. */
    static final int SMALL_SCHEMA_NODES = 200;
    /** Arguments of at most this many JSON nodes, none a string longer than {@link #SMALL_TEXT}, are small. */
    static final int SMALL_INSTANCE_NODES = 256;
    static final int SMALL_TEXT = 1_024;

    private final Schema schema;
    private final Function<Supplier<List<Error>>, List<Error>> runner;
    private final boolean small;
    private final FormatChecks formats;

    CompiledSchema(Schema schema, Function<Supplier<List<Error>>, List<Error>> runner, JsonNode source,
            FormatChecks formats) {
        this.schema = requireNonNull(schema, "schema");
        this.runner = requireNonNull(runner, "runner");
        this.small = isSmallSchema(requireNonNull(source, "source"));
        this.formats = requireNonNull(formats, "formats");
    }

    /** Whether {@code format} is checked ({@link FormatChecks#ASSERT}) or only an annotation. */
    public FormatChecks formatChecks() {
        return formats;
    }

    /**
     * Validation of small arguments against a small schema is bounded work (about a microsecond):
     * it runs on the caller's thread, since handing it to the validation threads and waiting for the
     * answer costs more than the work. Everything else runs on the validation threads.
     */
    private List<Error> run(JsonNode instance) {
        if (small && isSmallInstance(instance)) {
            return check(instance);
        }
        return runner.apply(() -> check(instance));
    }

    private List<Error> check(JsonNode instance) {
        if (formats == FormatChecks.ASSERT) {
            return schema.validate(instance); // the registry asserts formats
        }
        return schema.validate(instance, context -> context.executionConfig(c -> c.formatAssertionsEnabled(false)));
    }

    /** Whether validations of small arguments run on the caller's thread. */
    boolean validatesSmallArgumentsInline() {
        return small;
    }

    private static boolean isSmallSchema(JsonNode source) {
        int[] budget = {SMALL_SCHEMA_NODES};
        return withinBudget(source, budget, true);
    }

    static boolean isSmallInstance(JsonNode instance) {
        int[] budget = {SMALL_INSTANCE_NODES};
        return withinBudget(instance, budget, false);
    }

    private static boolean withinBudget(JsonNode node, int[] budget, boolean schema) {
        if (--budget[0] < 0) {
            return false;
        }
        if (node.isTextual()) {
            return node.textValue().length() <= SMALL_TEXT;
        }
        if (node.isObject()) {
            for (var it = node.properties().iterator(); it.hasNext(); ) {
                var member = it.next();
                if (schema && (member.getKey().equals("$ref") || member.getKey().equals("$dynamicRef"))) {
                    return false; // a reference may recurse: its cost follows the arguments, not the schema
                }
                if (member.getKey().length() > SMALL_TEXT || !withinBudget(member.getValue(), budget, schema)) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (!withinBudget(item, budget, schema)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Every violation of the instance, each located by a JSON Pointer; empty when valid. Runs
     * on the compiler's validation threads (the caller waits), or on the caller's thread when the
     * schema and the arguments are small.
     */
    public List<FieldViolation> validate(JsonNode instance) {
        return toViolations(run(instance));
    }

    /**
     * Validates like {@link #validate}, except that a {@code null} given for an <em>optional</em>
     * property whose schema does not admit null is taken as absent and removed from {@code instance}
     * (models in OpenAI strict mode send {@code null} for every optional argument they leave out). A
     * null for a required property, or where null is allowed, stays as it is. Not thread-safe for
     * one instance; the schema itself is shared. Runs on the compiler's validation threads.
     */
    public List<FieldViolation> validateTakingNullAsAbsent(JsonNode instance) {
        List<Error> errors = run(instance);
        if (errors.isEmpty()) {
            return List.of();
        }
        List<NodePath> nulls = new ArrayList<>();
        for (Error e : errors) {
            NodePath at = e.getInstanceLocation();
            if (e.getInstanceNode() != null && e.getInstanceNode().isNull() && at.getNameCount() > 0
                    && at.getElement(at.getNameCount() - 1) instanceof String && !nulls.contains(at)) {
                nulls.add(at);
            }
        }
        if (nulls.isEmpty()) {
            return toViolations(errors);
        }
        JsonNode trial = instance.deepCopy();
        nulls.forEach(at -> remove(trial, at));
        List<Error> again = run(trial);
        for (Error e : again) {
            if ("required".equals(e.getKeyword()) && nulls.contains(e.getInstanceLocation().append(e.getProperty()))) {
                return toViolations(errors); // that null stood for a required property: report it as sent
            }
        }
        nulls.forEach(at -> remove(instance, at));
        return toViolations(again);
    }

    private static void remove(JsonNode root, NodePath at) {
        JsonNode parent = root;
        for (int i = 0; i < at.getNameCount() - 1 && parent != null; i++) {
            Object element = at.getElement(i);
            parent = element instanceof Integer index ? parent.get(index) : parent.get((String) element);
        }
        if (parent instanceof ObjectNode object) {
            object.remove((String) at.getElement(at.getNameCount() - 1));
        }
    }

    /** One violation per distinct place and message, in the validator's order. */
    private static List<FieldViolation> toViolations(List<Error> errors) {
        java.util.LinkedHashSet<FieldViolation> out = new java.util.LinkedHashSet<>();
        for (Error e : errors) {
            out.add(toViolation(e));
        }
        return List.copyOf(out);
    }

    /**
     * The violation at the offending place: for a missing required property, that property; for a
     * member {@code additionalProperties: false} (or {@code unevaluatedProperties: false}) refuses, that
     * member; for an item {@code items: false} / {@code additionalItems: false} refuses, that item.
     */
    private static FieldViolation toViolation(Error e) {
        String library = e.getInstanceLocation().toString();
        String pointer = JsonPointers.of(e.getInstanceLocation());
        String message = e.getMessage();
        if (!library.isEmpty() && message.startsWith(library + ": ")) { // the validator names the place itself
            message = message.substring(library.length() + 2);
        }
        String keyword = e.getKeyword() == null ? "" : e.getKeyword();
        if ("required".equals(keyword) && e.getProperty() != null) {
            pointer = JsonPointers.member(pointer, e.getProperty());
            return new FieldViolation(pointer, pointer + ": required property '" + e.getProperty() + "' is missing");
        }
        if (MEMBER_KEYWORDS.contains(keyword) && e.getProperty() != null) {
            pointer = JsonPointers.member(pointer, e.getProperty());
            message = "is not allowed here: the schema defines no property '" + e.getProperty() + "'";
        } else if (ITEM_KEYWORDS.contains(keyword) && e.getIndex() != null) {
            pointer = pointer + "/" + e.getIndex();
            message = "is not allowed here: the schema allows no item at index " + e.getIndex();
        }
        return new FieldViolation(pointer, (pointer.isEmpty() ? "arguments" : pointer) + ": " + message);
    }

    private static final java.util.Set<String> MEMBER_KEYWORDS = java.util.Set.of("additionalProperties",
            "unevaluatedProperties");
    private static final java.util.Set<String> ITEM_KEYWORDS = java.util.Set.of("items", "additionalItems",
            "unevaluatedItems");
}
