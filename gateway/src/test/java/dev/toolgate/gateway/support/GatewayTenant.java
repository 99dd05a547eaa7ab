package dev.toolgate.gateway.support;

import static java.util.Objects.requireNonNull;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.test.extensions.junit5.MicronautJunit5Extension;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The setup most gateway tests share, as one JUnit 5 extension on a {@code @MicronautTest} class
 * (which starts the gateway on the test PostgreSQL, see {@link TestDatabase}): before each test a
 * real upstream on 127.0.0.1 (no routes yet; add them with {@code upstream().route(..)}) and a fresh
 * tenant ({@link TenantFixture}) whose {@code desk} integration points at it; after each test the
 * upstream is closed. Register it on a field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final GatewayTenant gateway = GatewayTenant.withUpstream();
 * }</pre>
 *
 * Its before-each step runs before the test's own {@code @BeforeEach} methods, so those can add
 * routes and tools. Not thread-safe: one instance per test class instance.
 */
public final class GatewayTenant implements BeforeEachCallback, AfterEachCallback {
    private final String fixedBaseUrl;
    private ApplicationContext context;
    private TestUpstream upstream;
    private TenantFixture fixture;

    private GatewayTenant(String fixedBaseUrl) {
        this.fixedBaseUrl = fixedBaseUrl;
    }

    /** A tenant whose {@code desk} integration points at a test upstream started for each test. */
    public static GatewayTenant withUpstream() {
        return new GatewayTenant(null);
    }

    /** A tenant whose {@code desk} integration points at {@code baseUrl}; no upstream is started. */
    public static GatewayTenant at(String baseUrl) {
        return new GatewayTenant(requireNonNull(baseUrl, "baseUrl"));
    }

    @Override
    public void beforeEach(ExtensionContext extension) {
        context = extension.getRoot().getStore(ExtensionContext.Namespace.create(MicronautJunit5Extension.class))
                .get(ApplicationContext.class, ApplicationContext.class);
        if (context == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " needs a @MicronautTest class");
        }
        String baseUrl = fixedBaseUrl;
        if (baseUrl == null) {
            try {
                upstream = TestUpstream.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            baseUrl = upstream.baseUrl();
        }
        fixture = TenantFixture.create(channel(), baseUrl);
    }

    @Override
    public void afterEach(ExtensionContext extension) {
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
        fixture = null;
    }

    /** The client channel to the gateway under test (the application's own, closed with it). */
    public ManagedChannel channel() {
        return bean(ManagedChannel.class, GrpcServerChannel.NAME);
    }

    /** This test's tenant. */
    public TenantFixture fixture() {
        return requireNonNull(fixture, "fixture (only during a test)");
    }

    /** This test's tenant id. */
    public String tenant() {
        return fixture().tenant;
    }

    /** This test's upstream; only for {@link #withUpstream()}. */
    public TestUpstream upstream() {
        if (upstream == null) {
            throw new IllegalStateException("no upstream: this fixture points at " + fixedBaseUrl);
        }
        return upstream;
    }

    /** {@code ToolService} with the key of {@code agent-1} ({@code tools:call}). */
    public ToolServiceGrpc.ToolServiceBlockingStub agent() {
        return fixture().agent();
    }

    /** {@code AdminService} with the bootstrap admin key. */
    public AdminServiceGrpc.AdminServiceBlockingStub admin() {
        return fixture().admin();
    }

    /** The call rows of the gateway's database. */
    public CallRows rows() {
        return new CallRows(bean(DataSource.class));
    }

    /** A bean of the running gateway. */
    public <T> T bean(Class<T> type) {
        return context().getBean(type);
    }

    private <T> T bean(Class<T> type, String name) {
        return context().getBean(type, Qualifiers.byName(name));
    }

    private ApplicationContext context() {
        return requireNonNull(context, "context (only during a test)");
    }
}
