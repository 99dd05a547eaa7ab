package dev.toolgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.core.ClockFactory;
import dev.toolgate.policy.Glob;
import dev.toolgate.policy.PolicyDirectory;
import dev.toolgate.policy.PolicyFile;
import dev.toolgate.policy.PolicyLayout;
import dev.toolgate.policy.PolicyRequest;
import dev.toolgate.policy.PolicySet;
import dev.toolgate.policy.Problem;
import dev.toolgate.policy.RateLimit;
import dev.toolgate.policy.Rule;
import dev.toolgate.policy.SourcePosition;
import dev.toolgate.policy.TenantPolicy;
import dev.toolgate.policy.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code toolgate policy lint|test|explain DIR}: checks a policy directory offline, for the
 * policy repository's CI. Exit codes: 0 fine, 1 problems found (or, for explain, a decision
 * other than {@code --expect}), 2 bad usage (a missing directory, bad {@code --args}).
 */
@Command(name = "policy", description = "Check policy files offline: lint, test, explain (docs/policies.md).",
        subcommands = {PolicyCommand.Lint.class, PolicyCommand.Test.class, PolicyCommand.Explain.class})
final class PolicyCommand {
    static final int EXIT_PROBLEMS = 1;

    private PolicyCommand() {
    }

    static PolicyDirectory.Scan scan(CommandSpec spec, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "policy directory " + dir + " does not exist");
        }
        return PolicyDirectory.scan(dir);
    }

    static List<Problem> errors(PolicySet.Build build) {
        return build.rejected().stream().flatMap(r -> r.problems().stream()).toList();
    }

    static void print(PrintWriter out, List<Problem> problems) {
        problems.stream().sorted(Comparator.comparing(Problem::file).thenComparingInt(Problem::line)
                .thenComparingInt(Problem::column)).forEach(out::println);
    }

    @Command(name = "lint", description = "Parse and compile every policy and test file; report problems as file:line:col.")
    static final class Lint implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "DIR") Path dir;
        @Option(names = "--catalog", paramLabel = "[TENANT=]FILE", description = "tool names, one per line (what"
                + " `toolgate tools` prints); warns about patterns no tool matches; repeatable")
        List<String> catalogs = new ArrayList<>();
        @Option(names = "--warnings-as-errors", description = "exit 1 on warnings too") boolean strict;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PolicyDirectory.Scan scan = scan(spec, dir);
            PolicySet.Build build = PolicySet.build(scan, PolicySet.empty(), false);
            List<Problem> warnings = new ArrayList<>(build.warnings());
            warnings.addAll(catalogWarnings(scan, build.set(), readCatalogs()));
            List<Problem> errors = errors(build);
            List<Problem> all = new ArrayList<>(errors);
            all.addAll(warnings);
            print(out, all);
            int files = scan.units().values().stream().mapToInt(List::size).sum();
            int rules = build.set().tenants().values().stream().mapToInt(p -> ownRules(p, build.set()).size()).sum()
                    + build.set().sharedOnly().rules().size();
            out.println(files + " files, " + scan.units().keySet().stream().filter(u -> !u.equals(PolicyLayout.SHARED))
                    .count() + " tenants, " + rules + " rules: " + errors.size() + " errors, " + warnings.size()
                    + " warnings");
            out.flush();
            return !errors.isEmpty() || strict && !warnings.isEmpty() ? EXIT_PROBLEMS : 0;
        }

        private Map<String, Set<String>> readCatalogs() throws IOException {
            Map<String, Set<String>> byTenant = new LinkedHashMap<>();
            for (String spec : catalogs) {
                int eq = spec.indexOf('=');
                String tenant = eq > 0 ? spec.substring(0, eq) : "";
                Path file = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
                if (!Files.isRegularFile(file)) {
                    throw new CommandLine.ParameterException(this.spec.commandLine(), "catalog file " + file + " does not exist");
                }
                Set<String> tools = byTenant.computeIfAbsent(tenant, k -> new LinkedHashSet<>());
                for (String line : Files.readAllLines(file)) {
                    String t = line.strip();
                    if (!t.isEmpty() && !t.startsWith("#")) {
                        tools.add(t.split("\\s+")[0]);
                    }
                }
            }
            return byTenant;
        }
    }

    /** Rules of a tenant's policy that come from its own files, not the shared ones. */
    private static List<Rule> ownRules(TenantPolicy p, PolicySet set) {
        Set<String> shared = sharedFiles(set);
        return p.rules().stream().filter(r -> !shared.contains(r.position().file())).toList();
    }

    private static Set<String> sharedFiles(PolicySet set) {
        Set<String> shared = new LinkedHashSet<>();
        set.sharedOnly().files().stream().map(PolicyFile::path).forEach(shared::add);
        return shared;
    }

    /** Warnings for tool patterns that match no tool of the catalog that applies to their file. */
    static List<Problem> catalogWarnings(PolicyDirectory.Scan scan, PolicySet set, Map<String, Set<String>> catalogs) {
        List<Problem> out = new ArrayList<>();
        if (catalogs.isEmpty()) {
            return out;
        }
        Set<String> everyone = catalogs.get("");
        if (everyone != null) {
            check(set.sharedOnly().rules(), set.sharedOnly().rateLimits(), everyone, out);
        }
        Set<String> shared = sharedFiles(set);
        for (Map.Entry<String, TenantPolicy> e : set.tenants().entrySet()) {
            Set<String> tools = catalogs.getOrDefault(e.getKey(), everyone);
            if (tools == null) {
                continue;
            }
            check(e.getValue().rules().stream().filter(r -> !shared.contains(r.position().file())).toList(),
                    e.getValue().rateLimits().stream().filter(l -> !shared.contains(l.position().file())).toList(),
                    tools, out);
        }
        return out;
    }

    private static void check(List<Rule> rules, List<RateLimit> limits, Set<String> tools, List<Problem> out) {
        Set<String> integrations = new LinkedHashSet<>();
        tools.forEach(t -> integrations.add(t.contains(".") ? t.substring(0, t.indexOf('.')) : t));
        for (Rule r : rules) {
            r.tools().forEach(g -> checkPattern(g, "rule '" + r.id() + "'", r.position(), tools, integrations, out));
        }
        for (RateLimit l : limits) {
            l.tools().forEach(g -> checkPattern(g, "rate limit '" + l.id() + "'", l.position(), tools, integrations, out));
        }
    }

    private static void checkPattern(Glob g, String owner, SourcePosition at, Set<String> tools,
            Set<String> integrations, List<Problem> out) {
        if (tools.stream().anyMatch(g::matches)) {
            return;
        }
        Optional<String> integration = g.literalIntegration();
        out.add(Problem.warning(at, integration.isPresent() && !integrations.contains(integration.get())
                ? owner + ": unknown integration '" + integration.get() + "' in pattern '" + g + "'"
                : owner + ": pattern '" + g + "' matches no tool in the catalog"));
    }

    @Command(name = "test", description = "Run every *_test.yaml case against the policy it sits with.")
    static final class Test implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "DIR") Path dir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PolicySet.Build build = PolicySet.build(scan(spec, dir), PolicySet.empty(), true);
            List<Problem> errors = errors(build);
            print(out, errors);
            long failed = errors.stream().filter(p -> p.message().startsWith("test '")).count();
            out.println(build.testsRun() + " tests, " + failed + " failed"
                    + (errors.size() > failed ? ", " + (errors.size() - failed) + " other errors" : ""));
            out.flush();
            return errors.isEmpty() ? 0 : EXIT_PROBLEMS;
        }
    }

    @Command(name = "explain", description = "Show which rules match a call, and why, and the decision.")
    static final class Explain implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec CommandSpec spec;
        @Parameters(paramLabel = "DIR") Path dir;
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--agent", required = true) String agent;
        @Option(names = "--tool", required = true, description = "integration.tool") String tool;
        @Option(names = "--args", description = "the call's arguments as a JSON object (default {})") String args = "{}";
        @Option(names = "--scope", description = "the key's scopes; repeatable (default tools:call)") List<String> scopes = new ArrayList<>();
        @Option(names = "--label", description = "NAME=VALUE key label; repeatable") Map<String, String> labels = new LinkedHashMap<>();
        @Option(names = "--session", description = "session id") String session = "";
        @Option(names = "--time", description = "ISO-8601 instant of the call (default now)") String time;
        @Option(names = "--expect", description = "allow, confirm or deny: exit 1 when the decision differs") String expect;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            JsonNode arguments;
            try {
                arguments = JSON.readTree(args);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--args is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (arguments == null || !arguments.isObject()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--args must be a JSON object");
            }
            Instant at;
            try {
                at = time == null ? ClockFactory.system().instant() : Instant.parse(time);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--time must be an ISO-8601 instant such as 2025-01-06T12:00:00Z");
            }
            PolicyRequest request;
            try {
                request = PolicyRequest.builder().tenant(tenant).agent(agent)
                        .scopes(Set.copyOf(scopes.isEmpty() ? List.of("tools:call") : scopes)).labels(labels)
                        .tool(tool).arguments(arguments).session(session).time(at).build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PolicySet.Build build = PolicySet.build(scan(spec, dir), PolicySet.empty(), false);
            build.rejected().stream().filter(r -> r.unit().equals(tenant) || r.unit().equals(PolicyLayout.SHARED))
                    .forEach(r -> {
                        out.println("note: these files were rejected; the decision below is made without them:");
                        r.problems().forEach(p -> out.println("  " + p));
                    });
            TenantPolicy policy = build.set().forTenant(tenant);
            out.println("tenant " + tenant + ", agent " + agent + ", tool " + tool + ":");
            var explanation = policy.explain(request);
            out.print(explanation.render());
            out.flush();
            if (expect == null) {
                return 0;
            }
            Verdict wanted = switch (expect) {
                case "allow" -> Verdict.ALLOW;
                case "confirm" -> Verdict.CONFIRM;
                case "deny" -> Verdict.DENY;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--expect must be allow, confirm or deny");
            };
            return explanation.decision().verdict() == wanted ? 0 : EXIT_PROBLEMS;
        }
    }
}
