package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force: decides calls (rules, then rate limits) and reloads from the policy
 * directory, keeping the last good policy of any tenant whose new files are rejected.
 * Decisions never block on a reload. Thread-safe.
 */
public final class PolicyEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyEngine.class);

    private final Optional<Path> directory;
    private final RateLimiter limiter;
    private final Clock clock;
    private volatile PolicySet current = PolicySet.empty();
    private volatile Status status;
    private volatile String loadedFingerprint = "";
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();

    /**
     * What the engine last did.
     *
     * @param lastReload       when the directory was last read
     * @param rejected         units refused at the last reload (they run their previous policy)
     * @param reloadsTotal     reloads since start
     * @param rejectionsTotal  units refused since start (each refused unit of each reload counts once)
     */
    public record Status(Optional<Path> directory, boolean directoryExists, Optional<String> gitCommit,
            Instant lastReload, List<PolicySet.Rejection> rejected, List<Problem> warnings, int tenants,
            long reloadsTotal, long rejectionsTotal) {
    }

    /**
     * @param directory  the policy directory; empty means none is configured and every call is denied
     * @param nanoClock  monotonic clock for rate limits
     */
    public PolicyEngine(Optional<Path> directory, Clock clock, LongSupplier nanoClock) {
        this(directory, clock, nanoClock, Optional.empty());
    }

    /**
     * @param directory     the policy directory; empty means none is configured and every call is denied
     * @param nanoClock     monotonic clock for rate limits
     * @param sharedBuckets rate-limit buckets shared with other instances; empty to count in memory
     */
    public PolicyEngine(Optional<Path> directory, Clock clock, LongSupplier nanoClock,
            Optional<SharedBuckets> sharedBuckets) {
        this.directory = requireNonNull(directory, "directory");
        this.clock = requireNonNull(clock, "clock");
        this.limiter = new RateLimiter(requireNonNull(nanoClock, "nanoClock"), requireNonNull(sharedBuckets, "sharedBuckets"));
        this.status = new Status(directory, false, Optional.empty(), clock.instant(), List.of(), List.of(), 0, 0, 0);
    }

    /** Reads the directory again and puts what passed into force. Serialised: one reload at a time. */
    public synchronized Status reload() {
        if (directory.isEmpty()) {
            status = new Status(directory, false, Optional.empty(), clock.instant(), List.of(), List.of(), 0,
                    reloads.incrementAndGet(), rejections.get());
            return status;
        }
        PolicyDirectory.Scan scan;
        try {
            // taken before reading: a change made while reading shows as a new fingerprint later
            loadedFingerprint = PolicyDirectory.fingerprint(directory.get());
            scan = PolicyDirectory.scan(directory.get());
        } catch (RuntimeException e) {
            // e.g. the directory vanished mid-walk: keep everything as it is
            rejections.incrementAndGet();
            LOG.error("policy reload failed, the policy in force stays: cannot read {}: {}", directory.get(), e.toString());
            List<PolicySet.Rejection> why = List.of(new PolicySet.Rejection(PolicyLayout.SHARED, List.of(Problem.error(
                    SourcePosition.ofFile("."), "cannot read the policy directory: " + e.getMessage()))));
            status = new Status(directory, true, current.gitCommit(), clock.instant(), why, List.of(),
                    current.tenants().size(), reloads.incrementAndGet(), rejections.get());
            return status;
        }
        PolicySet.Build build = PolicySet.build(scan, current);
        current = build.set();
        rejections.addAndGet(build.rejected().size());
        if (!scan.exists()) {
            LOG.warn("policy directory {} does not exist: every tool call is denied until it does", directory.get());
        }
        for (PolicySet.Rejection r : build.rejected()) {
            LOG.error("policy for {} rejected, its previous policy stays in force: {}",
                    r.unit().equals(PolicyLayout.SHARED) ? "all tenants (_all)" : "tenant '" + r.unit() + "'",
                    String.join("; ", r.problems().stream().map(Problem::toString).toList()));
        }
        for (Problem w : build.warnings()) {
            LOG.warn("policy: {}", w);
        }
        status = new Status(directory, scan.exists(), scan.gitCommit(), clock.instant(), build.rejected(),
                build.warnings(), build.set().tenants().size(), reloads.incrementAndGet(), rejections.get());
        if (build.clean()) {
            LOG.info("policy loaded from {}: {} tenant(s) with own files{}", directory.get(), build.set().tenants().size(),
                    scan.gitCommit().map(c -> ", commit " + c.substring(0, 12)).orElse(""));
        }
        return status;
    }

    /** The directory's fingerprint as of the last reload ({@link PolicyDirectory#fingerprint}). */
    public String loadedFingerprint() {
        return loadedFingerprint;
    }

    public Status status() {
        return status;
    }

    /** The policy of one tenant as now in force. */
    public TenantPolicy policyOf(String tenant) {
        return current.forTenant(tenant);
    }

    /** Decides a call: the tenant's rules, then (for a call they permit) its rate limits. */
    public Decision decide(PolicyRequest request) {
        TenantPolicy policy = current.forTenant(request.tenant());
        Decision decision = policy.decide(request);
        if (!decision.permits()) {
            return decision;
        }
        return limiter.acquire(policy, request).orElse(decision);
    }

    /** Whether the agent may see the tool in a listing (some rule could allow it). */
    public boolean visible(String tenant, String integration, String tool, String agentId, Set<String> scopes) {
        return current.forTenant(tenant).visible(integration + "." + tool, integration, agentId, scopes);
    }

    /**
     * Why the agent is not shown the tool ({@link TenantPolicy#hiding}): the deny every call to it
     * gets, whatever its arguments; empty when it is visible.
     */
    public Optional<Decision> hiding(String tenant, String integration, String tool, String agentId,
            Set<String> scopes) {
        return current.forTenant(tenant).hiding(integration + "." + tool, integration, agentId, scopes);
    }
}
