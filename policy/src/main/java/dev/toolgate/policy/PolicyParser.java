package dev.toolgate.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads one policy file (YAML) into a {@link PolicyFile}: checks every key, pattern, scope and
 * rate, and compiles every {@code when} with CEL. All problems are collected with their
 * file:line:col; a file with any error yields no policy.
 */
public final class PolicyParser {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern TOOL_PATTERN = Pattern.compile("[a-z0-9_.*?-]{1,200}");
    private static final Pattern AGENT_PATTERN = Pattern.compile("[A-Za-z0-9._:@*?-]{1,128}");
    private static final Pattern SCOPE = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
    private static final Set<String> TOP = ordered("tenant", "description", "rules", "rate_limits");
    private static final Set<String> RULE = ordered("id", "effect", "tools", "agents", "scopes", "when", "confirm",
            "self_confirm", "reason", "description");
    private static final Set<String> LIMIT = ordered("id", "limit", "burst", "per", "tools", "agents", "description");
    static final int MAX_RULES_PER_FILE = 50_000;

    private PolicyParser() {
    }

    /**
     * Parses a file.
     *
     * @param expectedTenant the tenant the file's location says it belongs to ({@code _all} for shared files)
     * @return the file, or empty when {@code problems} received an error
     */
    public static Optional<PolicyFile> parse(String path, String text, String expectedTenant, List<Problem> problems) {
        List<Problem> mine = new ArrayList<>();
        YamlSource yaml = YamlSource.of(path, text, mine);
        List<Rule> rules = new ArrayList<>();
        List<RateLimit> limits = new ArrayList<>();
        yaml.root().ifPresent(root -> {
            YamlSource.Fields top = yaml.fields(root, "a policy file", TOP);
            top.string("tenant").ifPresent(t -> {
                if (!t.equals(expectedTenant)) {
                    yaml.error(top.position("tenant"), "this file says tenant '" + t + "' but its place in the"
                            + " directory makes it " + (expectedTenant.equals(PolicyLayout.SHARED)
                            ? "a file for every tenant" : "tenant '" + expectedTenant + "'s")
                            + "; move it or fix the tenant");
                }
            });
            if (!top.has("rules") && !top.has("rate_limits")) {
                yaml.warning(root, "the file has neither 'rules' nor 'rate_limits'");
            }
            Set<String> ids = new HashSet<>();
            top.sequence("rules").ifPresent(items -> {
                if (items.size() > MAX_RULES_PER_FILE) {
                    yaml.error(top.position("rules"), "more than " + MAX_RULES_PER_FILE + " rules in one file");
                    return;
                }
                for (Node item : items) {
                    rule(yaml, item, ids).ifPresent(rules::add);
                }
            });
            top.sequence("rate_limits").ifPresent(items -> {
                for (Node item : items) {
                    rateLimit(yaml, item, ids).ifPresent(limits::add);
                }
            });
        });
        problems.addAll(mine);
        return mine.stream().anyMatch(Problem::isError) ? Optional.empty()
                : Optional.of(new PolicyFile(path, text, rules, limits));
    }

    private static Optional<Rule> rule(YamlSource yaml, Node node, Set<String> ids) {
        YamlSource.Fields f = yaml.fields(node, "a rule", RULE);
        int errorsBefore = yaml.errorCount();
        String id = id(yaml, f, ids, "rule");
        Rule.Effect effect = null;
        Optional<String> effectText = f.string("effect");
        if (effectText.isEmpty() && !f.has("effect")) {
            yaml.error(f.position(), "rule '" + id + "' needs 'effect: allow' or 'effect: deny'");
        }
        if (effectText.isPresent()) {
            switch (effectText.get()) {
                case "allow" -> effect = Rule.Effect.ALLOW;
                case "deny" -> effect = Rule.Effect.DENY;
                default -> yaml.error(f.position("effect"), "effect must be allow or deny, not '" + effectText.get() + "'"
                        + (effectText.get().equals("confirm") ? "; to ask a human, write effect: allow with confirm: true" : ""));
            }
        }
        List<Glob> tools = patterns(yaml, f, "tools", TOOL_PATTERN, true,
                "tool patterns name integration.tool in lowercase, with * and ? as wildcards (e.g. desk.*, *.delete_*)");
        List<Glob> agents = patterns(yaml, f, "agents", AGENT_PATTERN, true,
                "agent patterns are agent ids with * and ? as wildcards (e.g. support-bot, support-*, *)");
        Set<String> scopes = new LinkedHashSet<>();
        for (ScalarNode s : f.strings("scopes")) {
            if (SCOPE.matcher(s.getValue()).matches()) {
                scopes.add(s.getValue());
            } else {
                yaml.error(s, "'" + s.getValue() + "' is not a scope (lowercase letters, digits and . _ : -)");
            }
        }
        Optional<Condition> when = f.scalar("when", "'when'").flatMap(s -> condition(yaml, s));
        boolean confirm = f.bool("confirm").orElse(false);
        if (confirm && effect == Rule.Effect.DENY) {
            yaml.error(f.position("confirm"), "confirm: true belongs on allow rules (a deny never runs the call)");
        }
        boolean selfConfirm = f.bool("self_confirm").orElse(false);
        if (selfConfirm && !confirm) {
            yaml.error(f.position("self_confirm"), "self_confirm: true only applies with confirm: true");
        }
        String reason = f.string("reason").orElse("");
        if (reason.length() > 1000) {
            yaml.error(f.position("reason"), "reason is longer than 1000 chars");
        }
        if (yaml.errorCount() > errorsBefore || effect == null || tools.isEmpty() || agents.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Rule(id, effect, tools, agents, scopes, when, confirm, selfConfirm && confirm, reason,
                f.position()));
    }

    private static Optional<RateLimit> rateLimit(YamlSource yaml, Node node, Set<String> ids) {
        YamlSource.Fields f = yaml.fields(node, "a rate limit", LIMIT);
        int errorsBefore = yaml.errorCount();
        String id = id(yaml, f, ids, "rate limit");
        RateLimit.Rate rate = null;
        String limitText = f.requiredString("limit", "how many calls per period, such as 60/min");
        if (!limitText.isEmpty()) {
            try {
                rate = RateLimit.parseRate(limitText);
            } catch (IllegalArgumentException e) {
                yaml.error(f.position("limit"), e.getMessage());
            }
        }
        long burst = rate == null ? 1 : rate.permits();
        Optional<String> burstText = f.string("burst");
        if (burstText.isPresent()) {
            try {
                burst = Long.parseLong(burstText.get());
                if (burst < 1 || burst > 1_000_000_000L) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                yaml.error(f.position("burst"), "burst must be a whole number from 1 to 1000000000");
            }
        }
        RateLimit.Per per = RateLimit.Per.AGENT;
        Optional<String> perText = f.string("per");
        if (perText.isPresent()) {
            try {
                per = RateLimit.Per.valueOf(perText.get().toUpperCase(Locale.ROOT).replace('+', '_'));
            } catch (IllegalArgumentException e) {
                yaml.error(f.position("per"), "per must be tenant, agent, tool or agent_tool, not '" + perText.get() + "'");
            }
        }
        List<Glob> tools = f.has("tools") ? patterns(yaml, f, "tools", TOOL_PATTERN, false,
                "tool patterns name integration.tool in lowercase, with * and ? as wildcards") : List.of(Glob.of("*"));
        List<Glob> agents = f.has("agents") ? patterns(yaml, f, "agents", AGENT_PATTERN, false,
                "agent patterns are agent ids with * and ? as wildcards") : List.of(Glob.of("*"));
        if (yaml.errorCount() > errorsBefore || rate == null) {
            return Optional.empty();
        }
        return Optional.of(new RateLimit(id, rate.permits(), rate.period(), burst, per, tools, agents, f.position()));
    }

    private static String id(YamlSource yaml, YamlSource.Fields f, Set<String> ids, String what) {
        String id = f.requiredString("id", "every " + what + " has an id that errors and the audit trail name");
        if (!id.isEmpty()) {
            if (!ID.matcher(id).matches()) {
                yaml.error(f.position("id"), "'" + id + "' is not an id (1-64 letters, digits and . _ -)");
            } else if (!ids.add(id)) {
                yaml.error(f.position("id"), "id '" + id + "' is used twice in this file");
            } else if (id.equals(Decision.DEFAULT_DENY)) {
                yaml.error(f.position("id"), "'" + Decision.DEFAULT_DENY + "' is reserved for calls no rule allows");
            }
        }
        return id;
    }

    private static List<Glob> patterns(YamlSource yaml, YamlSource.Fields f, String key, Pattern syntax,
            boolean required, String hint) {
        List<ScalarNode> items = f.strings(key);
        if (items.isEmpty()) {
            if (required) {
                yaml.error(f.has(key) ? f.position(key) : f.position(), "missing '" + key + "': " + hint
                        + "; write '*' to mean all");
            }
            return List.of();
        }
        List<Glob> out = new ArrayList<>();
        for (ScalarNode s : items) {
            String p = s.getValue();
            if (!syntax.matcher(p).matches()) {
                yaml.error(s, "'" + p + "' is not a valid pattern in '" + key + "': " + hint);
            } else if (key.equals("tools") && p.indexOf('.') < 0 && !Glob.of(p).matchesEverything()) {
                yaml.error(s, "'" + p + "' names no tool: tools are integration.tool (e.g. " + p + ".* or *." + p + ")");
            } else {
                out.add(Glob.of(p));
            }
        }
        return out;
    }

    private static Optional<Condition> condition(YamlSource yaml, ScalarNode node) {
        return switch (Condition.compile(node.getValue())) {
            case Condition.Ok ok -> Optional.of(ok.condition());
            case Condition.Failed failed -> {
                for (Condition.CompileError e : failed.errors()) {
                    yaml.error(positionInside(yaml, node, e), "in 'when': " + e.message());
                }
                yield Optional.empty();
            }
        };
    }

    /** Maps a line/column inside the expression to the file, for plain, quoted and block scalars. */
    private static SourcePosition positionInside(YamlSource yaml, ScalarNode node, Condition.CompileError e) {
        SourcePosition start = yaml.at(node);
        DumperOptions.ScalarStyle style = node.getScalarStyle();
        boolean block = style == DumperOptions.ScalarStyle.LITERAL || style == DumperOptions.ScalarStyle.FOLDED;
        if (!block && e.line() == 1) {
            boolean quoted = style == DumperOptions.ScalarStyle.SINGLE_QUOTED || style == DumperOptions.ScalarStyle.DOUBLE_QUOTED;
            return new SourcePosition(start.file(), start.line(), start.column() + (quoted ? 1 : 0) + e.column() - 1);
        }
        int line = start.line() + (block ? e.line() : e.line() - 1);
        String text = yaml.line(line);
        int indent = 0;
        while (indent < text.length() && text.charAt(indent) == ' ') {
            indent++;
        }
        return new SourcePosition(start.file(), line, indent + e.column());
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
