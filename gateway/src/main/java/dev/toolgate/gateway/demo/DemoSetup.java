package dev.toolgate.gateway.demo;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.admin.AdminOperations;
import dev.toolgate.gateway.admin.IssuedKey;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.catalog.CatalogWriter;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.ParamLocation;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolSpec;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Registers the demo tenant: tenant {@code demo}, secret {@code support_desk_token},
 * integration {@code support_desk} and its tools. Safe to run on every start: tools get a
 * new version only when their definition changed, and each start issues a fresh agent key.
 */
@Singleton
public class DemoSetup {
    public static final String TENANT = "demo";
    public static final String INTEGRATION = "support_desk";
    public static final String SECRET = "support_desk_token";

    static final String CREATE_CASE_SCHEMA = """
            {"type":"object",
             "properties":{
               "customer_id":{"type":"string","minLength":1,"maxLength":64,"description":"Customer account id, e.g. acme"},
               "summary":{"type":"string","minLength":1,"maxLength":500,"description":"One-line description of the problem"},
               "priority":{"type":"string","enum":["low","medium","high"],"description":"How urgent the case is"}},
             "required":["customer_id","summary","priority"],
             "additionalProperties":false}""";

    static final String GET_CASE_SCHEMA = """
            {"type":"object",
             "properties":{"case_id":{"type":"string","pattern":"^CASE-[0-9]{6}$","description":"Case id as returned by create_support_case"}},
             "required":["case_id"],
             "additionalProperties":false}""";

    private final AdminOperations admin;
    private final CatalogWriter writer;

    public DemoSetup(AdminOperations admin, CatalogWriter writer) {
        this.admin = requireNonNull(admin, "admin");
        this.writer = requireNonNull(writer, "writer");
    }

    /** Points the demo integration at {@code baseUrl} with {@code token} and returns a new agent key. */
    public IssuedKey apply(String baseUrl, String token) {
        if (!admin.tenantExists(TENANT)) {
            admin.createTenant(TENANT, "Demo tenant");
        }
        admin.putSecret(TENANT, SECRET, token);
        writer.putHttpIntegration(TENANT, INTEGRATION, baseUrl, HttpAuth.bearer(SECRET),
                "Support Desk API (example upstream of the demo)");
        writer.upsertHttpTool(new ToolSpec(TENANT, INTEGRATION, "create_support_case",
                "Open a support case for a customer. Returns the new case_id and its status.",
                CREATE_CASE_SCHEMA, ToolAnnotations.NONE,
                new HttpBinding("POST", "/support/cases", List.of()), Duration.ofSeconds(10)));
        writer.upsertHttpTool(new ToolSpec(TENANT, INTEGRATION, "get_support_case",
                "Read a support case by its case_id.",
                GET_CASE_SCHEMA, new ToolAnnotations(true, false, true, false),
                new HttpBinding("GET", "/support/cases/{case_id}",
                        List.of(new ParamBinding("case_id", ParamLocation.PATH, "case_id"))), Duration.ofSeconds(10)));
        return admin.createApiKey(TENANT, "demo-agent", Set.of(Scopes.TOOLS_CALL));
    }
}
