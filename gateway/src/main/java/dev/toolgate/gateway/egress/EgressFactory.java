package dev.toolgate.gateway.egress;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Builds the egress rules from {@code toolgate.egress.*} (README "Configuration", docs/security.md)
 * and the gateway's own endpoints from its datasource URL; a bad entry stops the start with its reason.
 */
@Factory
public class EgressFactory {
    static final String LEGACY_SWITCH = "toolgate.egress.allow-private-networks";

    @Context // a bad entry or the old switch stops the start, not the first call
    EgressRules egressRules(Environment env, EgressProperties config) {
        if (env.containsProperty(LEGACY_SWITCH)) {
            throw new ConfigurationException(LEGACY_SWITCH + " (TOOLGATE_EGRESS_ALLOW_PRIVATE_NETWORKS) was replaced by"
                    + " toolgate.egress.allow (TOOLGATE_EGRESS_ALLOW): list the networks, hosts and ports your"
                    + " internal upstreams use, e.g. 10.0.0.0/8,127.0.0.1:8081 (docs/security.md)");
        }
        try {
            EgressRules.Builder b = EgressRules.builder().allowPublic(config.allowPublic()).allow(config.allow());
            Map<String, Object> tenants = env.getProperties("toolgate.egress.tenants", StringConvention.RAW);
            tenants.forEach((tenant, value) -> b.tenant(tenant, entries(value)));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("toolgate.egress: " + e.getMessage(), e);
        }
    }

    private static List<String> entries(Object value) {
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }

    @Singleton
    LocalEndpoints localEndpoints(@Value("${datasources.default.url:}") String databaseUrl) {
        LocalEndpoints own = new LocalEndpoints();
        own.addJdbcUrl(databaseUrl, 5432);
        return own;
    }

    @Singleton
    EgressGuard egressGuard(EgressRules rules, LocalEndpoints own) {
        return new EgressGuard(rules, own, PinnedNames.get());
    }
}
