package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.PutSqlIntegrationRequest;
import dev.toolgate.proto.v1.PutSqlIntegrationResponse;
import dev.toolgate.proto.v1.SqlToolSummary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toolgate sql}: SQL integrations declared in YAML files. */
@Command(name = "sql", description = "SQL integrations: named, parameterised PostgreSQL queries as tools.",
        subcommands = SqlCommand.Add.class)
final class SqlCommand {

    /** {@code toolgate sql add --tenant T INTEGRATION FILE}. */
    @Command(name = "add", description = {
            "Create or replace a SQL integration and its tools from a YAML file (key from TOOLGATE_ADMIN_KEY).",
            "The gateway checks every query with the database before it stores anything; see docs/sql.md."})
    static final class Add implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "INTEGRATION") String integration;
        @Parameters(index = "1", paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws Exception {
            PutSqlIntegrationRequest request;
            try {
                request = SqlFile.read(tenant, integration, CliFiles.readUtf8(file, "a SQL integration file"));
            } catch (SqlFile.SqlFileException e) {
                throw new CliException(file + ": " + e.getMessage());
            }
            PutSqlIntegrationResponse r;
            try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
                r = AdminServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                        .withDeadlineAfter(2, TimeUnit.MINUTES).putSqlIntegration(request);
            }
            System.out.printf("integration %s: %d added, %d changed, %d unchanged, %d removed%n", r.getIntegration(),
                    r.getAddedCount(), r.getChangedCount(), r.getUnchangedCount(), r.getRemovedCount());
            r.getAddedList().forEach(t -> System.out.println("  + " + t));
            r.getChangedList().forEach(t -> System.out.println("  ~ " + t));
            r.getRemovedList().forEach(t -> System.out.println("  - " + t));
            PolicyNotice.notAllowed(tenant, r.getIntegration(), r.getNotAllowedList());
            for (SqlToolSummary t : r.getToolsList()) {
                System.out.printf("%s (%s)%n    parameters: %s%n    columns: %s%n", t.getName(),
                        t.getReadOnly() ? "read-only" : "writes",
                        t.getParametersCount() == 0 ? "none" : String.join(", ", t.getParametersList()),
                        t.getColumnsCount() == 0 ? "none" : String.join(", ", t.getColumnsList()));
            }
            return 0;
        }
    }
}
