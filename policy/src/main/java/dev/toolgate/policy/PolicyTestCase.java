package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One case of a {@code *_test.yaml} file: a call and the decision it must get. Immutable.
 *
 * @param expectedRule the rule id the decision must name, when the case says
 */
public record PolicyTestCase(String name, SourcePosition position, PolicyRequest request, Verdict expected,
        Optional<String> expectedRule) {

    /** The time a case is decided at when it names none: a Monday, noon UTC. */
    public static final Instant DEFAULT_TIME = Instant.parse("2025-01-06T12:00:00Z");

    private static final Set<String> TOP = new LinkedHashSet<>(List.of("tenant", "tests"));
    private static final Set<String> CASE = new LinkedHashSet<>(List.of("name", "agent", "scopes", "labels", "tool",
            "annotations", "args", "session", "session_calls", "skill", "time", "expect", "rule"));
    private static final Set<String> ANNOTATIONS = new LinkedHashSet<>(List.of("read_only", "destructive",
            "idempotent", "open_world", "requires_confirmation"));

    public PolicyTestCase {
        requireNonNull(name, "name");
        requireNonNull(position, "position");
        requireNonNull(request, "request");
        requireNonNull(expected, "expected");
        requireNonNull(expectedRule, "expectedRule");
    }

    /** Parses a test file; the cases run against {@code tenant}'s policy. Errors go to {@code problems}. */
    public static List<PolicyTestCase> parse(String path, String text, String tenant, List<Problem> problems) {
        List<PolicyTestCase> cases = new ArrayList<>();
        YamlSource yaml = YamlSource.of(path, text, problems);
        yaml.root().ifPresent(root -> {
            YamlSource.Fields top = yaml.fields(root, "a policy test file", TOP);
            top.string("tenant").filter(t -> !t.equals(tenant)).ifPresent(t -> yaml.error(top.position("tenant"),
                    "this test file says tenant '" + t + "' but sits with tenant '" + tenant + "'s policy"));
            Optional<List<Node>> items = top.sequence("tests");
            if (items.isEmpty()) {
                yaml.error(root, "a policy test file needs 'tests:', a list of cases");
                return;
            }
            Set<String> names = new java.util.HashSet<>();
            for (Node item : items.get()) {
                testCase(yaml, item, tenant, names).ifPresent(cases::add);
            }
        });
        return cases;
    }

    private static Optional<PolicyTestCase> testCase(YamlSource yaml, Node node, String tenant, Set<String> names) {
        YamlSource.Fields f = yaml.fields(node, "a test case", CASE);
        int before = yaml.errorCount();
        String name = f.requiredString("name", "say what the case checks");
        if (!name.isEmpty() && !names.add(name)) {
            yaml.error(f.position("name"), "test name '" + name + "' is used twice in this file");
        }
        String agent = f.requiredString("agent", "the calling agent's id");
        String tool = f.requiredString("tool", "the tool as integration.tool");
        if (!tool.isEmpty() && (tool.indexOf('.') <= 0 || tool.endsWith("."))) {
            yaml.error(f.position("tool"), "tool must be integration.tool, not '" + tool + "'");
        }
        Set<String> scopes = new LinkedHashSet<>();
        if (f.has("scopes")) {
            f.strings("scopes").forEach(s -> scopes.add(s.getValue()));
        } else {
            scopes.add("tools:call");
        }
        Map<String, String> labels = f.stringMap("labels");
        ToolTraits traits = f.node("annotations").map(n -> traits(yaml, n)).orElse(ToolTraits.NONE);
        com.fasterxml.jackson.databind.JsonNode args = f.node("args").map(yaml::toJson)
                .orElse(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        if (!args.isObject()) {
            yaml.error(f.position("args"), "args must be a mapping (the call's JSON object)");
        }
        Instant time = DEFAULT_TIME;
        Optional<String> timeText = f.string("time");
        if (timeText.isPresent()) {
            try {
                time = Instant.parse(timeText.get());
            } catch (DateTimeParseException e) {
                yaml.error(f.position("time"), "time must be an ISO-8601 instant such as 2025-01-06T12:00:00Z");
            }
        }
        Verdict expected = null;
        String expectText = f.requiredString("expect", "allow, deny, or confirm");
        switch (expectText) {
            case "allow" -> expected = Verdict.ALLOW;
            case "deny" -> expected = Verdict.DENY;
            case "confirm" -> expected = Verdict.CONFIRM;
            case "" -> { }
            default -> yaml.error(f.position("expect"), "expect must be allow, deny or confirm, not '" + expectText + "'");
        }
        Map<String, Long> sessionCalls = new java.util.LinkedHashMap<>();
        f.stringMap("session_calls").forEach((toolName, count) -> {
            try {
                sessionCalls.put(toolName, Long.parseLong(count));
            } catch (NumberFormatException e) {
                yaml.error(f.position("session_calls"), "session_calls maps a tool to a whole number of earlier calls,"
                        + " but '" + toolName + "' has '" + count + "'");
            }
        });
        Optional<String> rule = f.string("rule");
        if (yaml.errorCount() > before || expected == null) {
            return Optional.empty();
        }
        PolicyRequest request = PolicyRequest.builder().tenant(tenant).agent(agent).scopes(scopes).labels(labels)
                .tool(tool).traits(traits).arguments(args).session(f.string("session").orElse(sessionCalls.isEmpty() ? "" : "test-session"))
                .history(() -> new SessionHistory(sessionCalls)).skill(f.string("skill").orElse("")).time(time).build();
        return Optional.of(new PolicyTestCase(name, f.position(), request, expected, rule));
    }

    private static ToolTraits traits(YamlSource yaml, Node node) {
        YamlSource.Fields a = yaml.fields(node, "annotations", ANNOTATIONS);
        return new ToolTraits(a.bool("read_only").orElse(false), a.bool("destructive").orElse(false),
                a.bool("idempotent").orElse(false), a.bool("open_world").orElse(false),
                a.bool("requires_confirmation").orElse(false));
    }

    /** Runs the case: empty when the decision is as expected, else what went wrong. */
    public Optional<Problem> run(TenantPolicy policy) {
        Decision d = policy.decide(request);
        boolean verdictOk = d.verdict() == expected;
        boolean ruleOk = expectedRule.map(r -> r.equals(d.ruleId())).orElse(true);
        if (verdictOk && ruleOk) {
            return Optional.empty();
        }
        return Optional.of(Problem.error(position, "test '" + name + "' failed: expected " + expected.label()
                + expectedRule.map(r -> " by rule '" + r + "'").orElse("") + ", got " + d.verdict().label()
                + " by rule '" + d.ruleId() + "'" + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")")));
    }

}
