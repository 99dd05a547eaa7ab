package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every tenant's policy at one moment, built from a {@link PolicyDirectory.Scan}. A tenant
 * whose files fail to parse, compile or pass their tests keeps the policy it had (or, if it
 * never had one, denies everything); the same holds for the shared {@code _all} files. A
 * tenant with no files of its own gets the shared rules alone. Immutable.
 */
public final class PolicySet {
    /** Version of a policy made of no files. */
    public static final String NO_FILES = "none";

    private final Map<String, TenantPolicy> tenants;
    private final List<PolicyFile> sharedFiles;
    private final TenantPolicy sharedOnly;
    private final Optional<String> gitCommit;

    private PolicySet(Map<String, TenantPolicy> tenants, List<PolicyFile> sharedFiles, TenantPolicy sharedOnly,
            Optional<String> gitCommit) {
        this.tenants = Map.copyOf(tenants);
        this.sharedFiles = List.copyOf(sharedFiles);
        this.sharedOnly = requireNonNull(sharedOnly, "sharedOnly");
        this.gitCommit = gitCommit;
    }

    /** No files at all: every call of every tenant is denied. */
    public static PolicySet empty() {
        return new PolicySet(Map.of(), List.of(), TenantPolicy.empty(PolicyLayout.SHARED, NO_FILES), Optional.empty());
    }

    public TenantPolicy forTenant(String tenant) {
        TenantPolicy own = tenants.get(tenant);
        return own != null ? own : sharedOnly;
    }

    /** Tenants with files of their own. */
    public Map<String, TenantPolicy> tenants() {
        return tenants;
    }

    public TenantPolicy sharedOnly() {
        return sharedOnly;
    }

    public Optional<String> gitCommit() {
        return gitCommit;
    }

    /** A tenant (or {@code _all}) whose new files were not taken, and why. */
    public record Rejection(String unit, List<Problem> problems) {
        public Rejection {
            problems = List.copyOf(problems);
        }
    }

    /**
     * The set a directory scan yields, given the set in force.
     *
     * @param rejected  units whose new files were refused (they keep {@code previous}'s policy)
     * @param warnings  problems that did not stop anything
     */
    public record Build(PolicySet set, List<Rejection> rejected, List<Problem> warnings, int testsRun) {
        public Build {
            rejected = List.copyOf(rejected);
            warnings = List.copyOf(warnings);
        }

        public boolean clean() {
            return rejected.isEmpty();
        }
    }

    public static Build build(PolicyDirectory.Scan scan, PolicySet previous) {
        return build(scan, previous, true);
    }

    /**
     * As {@link #build(PolicyDirectory.Scan, PolicySet)}; with {@code runTests} false the
     * {@code *_test.yaml} cases are parsed (their mistakes reported) but not run, as lint does.
     */
    public static Build build(PolicyDirectory.Scan scan, PolicySet previous, boolean runTests) {
        List<Rejection> rejected = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        scan.problems().stream().filter(p -> !p.isError()).forEach(warnings::add);
        Map<String, List<Problem>> scanErrors = new HashMap<>();
        scan.problems().stream().filter(Problem::isError).forEach(p -> scanErrors
                .computeIfAbsent(unitOf(scan, p.file()), k -> new ArrayList<>()).add(p));
        int[] tests = {0};

        // shared files first: every tenant's policy includes them
        List<PolicyFile> shared = previous.sharedFiles;
        TenantPolicy sharedOnly = previous.sharedOnly;
        List<PolicyDirectory.SourceFile> sharedSources = scan.units().getOrDefault(PolicyLayout.SHARED, List.of());
        Optional<Unit> sharedUnit = Unit.parse(PolicyLayout.SHARED, sharedSources,
                scanErrors.getOrDefault(PolicyLayout.SHARED, List.of()));
        List<Problem> sharedProblems = new ArrayList<>(sharedUnit.map(Unit::problems).orElse(List.of()));
        if (sharedUnit.isPresent() && sharedUnit.get().ok()) {
            Unit u = sharedUnit.get();
            Optional<TenantPolicy> candidate = TenantPolicy.compile(PolicyLayout.SHARED,
                    version(scan, u.files()), u.files(), sharedProblems);
            if (candidate.isPresent() && (!runTests || runTests(candidate.get(), u.tests(), sharedProblems, tests))) {
                shared = u.files();
                sharedOnly = candidate.get();
            }
        }
        split(sharedProblems, PolicyLayout.SHARED, rejected, warnings);

        Map<String, TenantPolicy> tenants = new TreeMap<>();
        for (Map.Entry<String, List<PolicyDirectory.SourceFile>> e : scan.units().entrySet()) {
            String tenant = e.getKey();
            if (tenant.equals(PolicyLayout.SHARED)) {
                continue;
            }
            Unit u = Unit.parse(tenant, e.getValue(), scanErrors.getOrDefault(tenant, List.of())).orElseThrow();
            List<Problem> problems = new ArrayList<>(u.problems());
            TenantPolicy accepted = null;
            if (u.ok()) {
                List<PolicyFile> files = new ArrayList<>(shared);
                files.addAll(u.files());
                Optional<TenantPolicy> candidate = TenantPolicy.compile(tenant, version(scan, files), files, problems);
                if (candidate.isPresent() && (!runTests || runTests(candidate.get(), u.tests(), problems, tests))) {
                    accepted = candidate.get();
                }
            }
            if (accepted == null) {
                accepted = previous.tenants.getOrDefault(tenant, TenantPolicy.empty(tenant, "rejected"));
            }
            tenants.put(tenant, accepted);
            split(problems, tenant, rejected, warnings);
        }
        return new Build(new PolicySet(tenants, shared, sharedOnly, scan.gitCommit()), rejected, warnings, tests[0]);
    }

    private static boolean runTests(TenantPolicy policy, List<PolicyTestCase> cases, List<Problem> problems, int[] count) {
        boolean ok = true;
        for (PolicyTestCase c : cases) {
            count[0]++;
            Optional<Problem> failure = c.run(policy);
            if (failure.isPresent()) {
                problems.add(failure.get());
                ok = false;
            }
        }
        return ok;
    }

    private static void split(List<Problem> problems, String unit, List<Rejection> rejected, List<Problem> warnings) {
        List<Problem> errors = problems.stream().filter(Problem::isError).toList();
        problems.stream().filter(p -> !p.isError()).forEach(warnings::add);
        if (!errors.isEmpty()) {
            rejected.add(new Rejection(unit, errors));
        }
    }

    private static String unitOf(PolicyDirectory.Scan scan, String file) {
        return PolicyLayout.isYaml(file) ? PolicyLayout.place(file).map(PolicyLayout.Placement::unit).orElse("")
                : PolicyLayout.SHARED;
    }

    /**
     * {@code git:<12 hex>+sha256:<16 hex>} in a Git checkout (HEAD's commit plus the hash of the
     * files as loaded, so an edited or untracked file never passes for the commit), else
     * {@code sha256:<16 hex>}, or {@link #NO_FILES}.
     */
    static String version(PolicyDirectory.Scan scan, List<PolicyFile> files) {
        if (files.isEmpty() && scan.gitCommit().isEmpty()) {
            return NO_FILES;
        }
        String content = "sha256:" + contentHash(files);
        return scan.gitCommit().map(c -> "git:" + c.substring(0, 12) + "+" + content).orElse(content);
    }

    private static String contentHash(List<PolicyFile> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (PolicyFile f : files) {
                sha.update(f.path().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(f.content().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One tenant's (or the shared) files, parsed. */
    private record Unit(List<PolicyFile> files, List<PolicyTestCase> tests, List<Problem> problems) {
        boolean ok() {
            return problems.stream().noneMatch(Problem::isError);
        }

        static Optional<Unit> parse(String unit, List<PolicyDirectory.SourceFile> sources, List<Problem> scanErrors) {
            if (sources.isEmpty() && scanErrors.isEmpty()) {
                return unit.equals(PolicyLayout.SHARED) ? Optional.of(new Unit(List.of(), List.of(), List.of()))
                        : Optional.empty();
            }
            List<Problem> problems = new ArrayList<>(scanErrors);
            List<PolicyFile> files = new ArrayList<>();
            List<PolicyTestCase> tests = new ArrayList<>();
            for (PolicyDirectory.SourceFile s : sources) {
                if (s.text() == null) {
                    continue; // unreadable: already reported by the scan
                }
                if (s.placement().test()) {
                    tests.addAll(PolicyTestCase.parse(s.path(), s.text(), unit, problems));
                } else {
                    PolicyParser.parse(s.path(), s.text(), unit, problems).ifPresent(files::add);
                }
            }
            return Optional.of(new Unit(files, tests, problems));
        }
    }
}
