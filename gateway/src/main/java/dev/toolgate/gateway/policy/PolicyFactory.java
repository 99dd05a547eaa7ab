package dev.toolgate.gateway.policy;

import dev.toolgate.gateway.cluster.PostgresSharedBuckets;
import dev.toolgate.policy.PolicyEngine;
import dev.toolgate.policy.SharedBuckets;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the framework-free policy engine: loads {@code toolgate.policy.dir} at startup and
 * watches it ({@code toolgate.policy.check-interval}). With no directory configured, or a
 * directory that does not exist, every tool call is denied (default deny), loudly. On PostgreSQL
 * rate limits take their tokens from buckets shared by every instance ({@link PostgresSharedBuckets}).
 */
@Factory
public class PolicyFactory {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFactory.class);

    @Singleton
    PolicyEngine policyEngine(PolicyProperties config, Clock clock, PostgresSharedBuckets buckets) {
        Optional<Path> directory = config.directory();
        PolicyEngine engine = new PolicyEngine(directory, clock, System::nanoTime,
                Optional.<SharedBuckets>of(buckets).filter(b -> buckets.active()));
        PolicyEngine.Status status = engine.reload();
        if (directory.isEmpty()) {
            LOG.warn("no policy directory configured (toolgate.policy.dir / TOOLGATE_POLICY_DIR): every tool call is denied");
        } else if (!status.directoryExists()) {
            LOG.warn("policy directory {} does not exist: every tool call is denied until it does", directory.get());
        }
        return engine;
    }

}
