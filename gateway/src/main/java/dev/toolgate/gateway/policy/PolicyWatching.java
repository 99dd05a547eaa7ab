package dev.toolgate.gateway.policy;

import dev.toolgate.policy.PolicyEngine;
import dev.toolgate.policy.PolicyWatcher;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Keeps the policy in force in step with {@code toolgate.policy.dir}: a watcher thread from
 * application start to shutdown. Eager (a {@link Context} bean), so edits count from the start.
 */
@Context
public class PolicyWatching implements AutoCloseable {
    private final PolicyWatcher watcher;

    public PolicyWatching(PolicyEngine engine, PolicyProperties config) {
        this.watcher = config.directory().map(dir -> new PolicyWatcher(engine, dir, config.checkInterval()).start())
                .orElse(null);
    }

    @PreDestroy
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
