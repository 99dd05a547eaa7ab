package dev.toolgate.gateway.demo;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.admin.AdminOperations;
import dev.toolgate.gateway.admin.IssuedKey;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.openapi.ImportOptions;
import dev.toolgate.gateway.openapi.OpenApiImports;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Registers the demo tenant: tenant {@code demo}, secret {@code support_desk_token}, and
 * integration {@code support_desk} imported from {@code examples/openapi/support-desk.yaml}
 * (bundled in the jar). Safe to run on every start: tools get a new version only when the
 * document changed, and each start issues a fresh agent key.
 */
@Singleton
public class DemoSetup {
    public static final String TENANT = "demo";
    public static final String INTEGRATION = "support_desk";
    public static final String SECRET = "support_desk_token";
    static final String DOCUMENT = "/demo/support-desk.yaml";

    private final AdminOperations admin;
    private final OpenApiImports imports;

    public DemoSetup(AdminOperations admin, OpenApiImports imports) {
        this.admin = requireNonNull(admin, "admin");
        this.imports = requireNonNull(imports, "imports");
    }

    /** Points the demo integration at {@code baseUrl} with {@code token} and returns a new agent key. */
    public IssuedKey apply(String baseUrl, String token) {
        if (!admin.tenantExists(TENANT)) {
            admin.createTenant(TENANT, "Demo tenant");
        }
        admin.putSecret(TENANT, SECRET, token);
        imports.importDocument(TENANT, INTEGRATION, document(), ImportOptions.builder()
                .baseUrl(baseUrl).secrets(Map.of("bearerAuth", SECRET)).build());
        return admin.createApiKey(TENANT, "demo-agent", Set.of(Scopes.TOOLS_CALL));
    }

    /**
     * A fresh key for the web console of a support lead ({@code support-lead}): approves or denies held
     * calls and reads the audit trail ({@code tools:confirm}, {@code audit:read}); it runs no tools.
     */
    public IssuedKey consoleKey() {
        return admin.createApiKey(TENANT, "support-lead", Set.of(Scopes.TOOLS_CONFIRM, "audit:read"));
    }

    static String document() {
        try (InputStream in = DemoSetup.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
