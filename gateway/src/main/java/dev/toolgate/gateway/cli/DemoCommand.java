package dev.toolgate.gateway.cli;

import dev.toolgate.gateway.admin.IssuedKey;
import dev.toolgate.gateway.auth.ApiKeyFormat;
import dev.toolgate.gateway.demo.DemoPolicies;
import dev.toolgate.gateway.demo.DemoSetup;
import dev.toolgate.gateway.demo.SupportDeskUpstream;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Run the gateway on embedded H2 with the Support Desk example upstream and a demo tenant.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--upstream-port", description = "port of the example upstream (default: a free one)")
    int upstreamPort;

    /** What the demo may reach: loopback (its upstream, local databases), nothing else internal. */
    static final String DEMO_EGRESS = "127.0.0.0/8,::1";

    @Override
    public Integer call() throws Exception {
        SupportDeskUpstream upstream = SupportDeskUpstream.start(upstreamPort);
        Runtime.getRuntime().addShutdownHook(new Thread(upstream::close, "support-desk-shutdown"));

        Map<String, Object> props = new HashMap<>();
        if (System.getenv("TOOLGATE_EGRESS_ALLOW") == null) {
            // the demo upstream (and a local database for docs/sql.md) are on loopback; the gateway's own
            // ports and database stay closed unless named exactly (docs/security.md)
            props.put("toolgate.egress.allow", DEMO_EGRESS);
        }
        // like serve, the demo listens on loopback only unless TOOLGATE_*_HOST say otherwise
        String policyDir = System.getenv("TOOLGATE_POLICY_DIR");
        if (policyDir == null || policyDir.isBlank()) {
            policyDir = DemoPolicies.directory(Path.of(dataDir())).toString();
            props.put("toolgate.policy.dir", policyDir);
        }
        String adminKey = System.getenv("TOOLGATE_ADMIN_KEY");
        boolean generatedAdminKey = adminKey == null || adminKey.isBlank();
        if (generatedAdminKey) {
            adminKey = ApiKeyFormat.generate();
            props.put("toolgate.admin-key", adminKey);
        }
        ApplicationContext ctx = GatewayRuntime.start(props, ConfigFile.load(null, System.getenv()));
        IssuedKey key = ctx.getBean(DemoSetup.class).apply(upstream.baseUrl(), upstream.token());
        IssuedKey consoleKey = ctx.getBean(DemoSetup.class).consoleKey();
        int grpcPort = GatewayRuntime.grpcPort(ctx);

        System.out.println("Toolgate demo: gRPC on 127.0.0.1:" + grpcPort + ", MCP on http://127.0.0.1:"
                + GatewayRuntime.httpPort(ctx) + "/mcp, health and metrics on " + GatewayRuntime.management(ctx)
                + ", data in ./data");
        System.out.println("Policies from " + policyDir + " (edit a file there: the running demo reloads it)");
        System.out.println("Support Desk upstream on " + upstream.baseUrl()
                + " (expects the bearer token stored in secret demo/support_desk_token)");
        if (generatedAdminKey) {
            System.out.println("TOOLGATE_ADMIN_KEY=" + adminKey + "   # bootstrap admin key of this run");
        }
        System.out.println("TOOLGATE_API_KEY=" + key.apiKey());
        Path env = DemoEnvironment.write(Path.of(dataDir()), new DemoEnvironment(
                "127.0.0.1:" + grpcPort, "http://127.0.0.1:" + GatewayRuntime.httpPort(ctx) + "/mcp",
                generatedAdminKey ? adminKey : null, key.apiKey(), upstream.baseUrl(), upstream.token()));
        System.out.println("Settings for another shell (address, keys, upstream): . " + env);
        System.out.println("TOOLGATE_CONSOLE_KEY=" + consoleKey.apiKey()
                + "   # a support lead's key for the web console: approvals and the audit trail");
        System.out.println("Web console: http://127.0.0.1:" + GatewayRuntime.httpPort(ctx)
                + "/console (sign in by pasting TOOLGATE_API_KEY to run tools, or TOOLGATE_CONSOLE_KEY in a second"
                + " browser to approve held calls and read the audit trail)");
        System.out.println("""

                Try it (in another shell, after loading the settings with the line above):
                  ./toolgate tools
                  ./toolgate call support_desk.create_support_case '{"customer_id":"acme","summary":"Printer on fire","priority":"high"}'
                or with a foreign client through server reflection:
                  buf curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $TOOLGATE_API_KEY" \\
                    -d '{"tool":"support_desk.create_support_case","arguments_json":"{\\"customer_id\\":\\"acme\\",\\"summary\\":\\"x\\",\\"priority\\":\\"low\\"}"}' \\
                    http://127.0.0.1:%d/toolgate.v1.ToolService/ExecuteTool
                Stop with Ctrl-C.""".formatted(grpcPort));
        System.out.flush();
        return GatewayRuntime.awaitShutdown();
    }

    private static String dataDir() {
        String dir = System.getenv("TOOLGATE_DATA_DIR");
        return dir == null || dir.isBlank() ? "./data" : dir;
    }
}
