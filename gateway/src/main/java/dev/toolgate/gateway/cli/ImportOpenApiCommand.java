package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CredentialRequirement;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.ImportWarning;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import dev.toolgate.proto.v1.FormatChecks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code toolgate import-openapi}: every operation of a document becomes a tool. */
@Command(name = "import-openapi", description = {
        "Import an OpenAPI 3.0/3.1 or Swagger 2.0 document (YAML or JSON, gzipped or not) into an integration (key from"
                + " TOOLGATE_ADMIN_KEY).",
        "Prints the tools added, changed and removed, the warnings, and the secrets to store. Exits 1 only when"
                + " nothing could be imported or the document is unusable."})
final class ImportOpenApiCommand implements Callable<Integer> {
    @Option(names = "--tenant", required = true) String tenant;
    @Parameters(index = "0", paramLabel = "INTEGRATION") String integration;
    @Parameters(index = "1", paramLabel = "FILE") Path file;
    @Option(names = "--base-url", description = "replaces the document's server URL") String baseUrl = "";
    @Option(names = "--server-variable", description = "NAME=VALUE for the server URL; repeatable")
    Map<String, String> serverVariables = new LinkedHashMap<>();
    @Option(names = "--secret", description = "SCHEME=SECRET: the secret a security scheme reads; repeatable")
    Map<String, String> secrets = new LinkedHashMap<>();
    @Option(names = "--bind", description = "PARAMETER=secret:SECRET or PARAMETER=value:TEXT: send that value, hidden"
            + " from the model; repeatable") Map<String, String> bindings = new LinkedHashMap<>();
    @Option(names = "--connection-client-id", description = "OAuth client id through which users connect their own"
            + " accounts when a scheme is an OAuth 2 authorization code flow (its secret: --secret SCHEME=SECRET)")
    String connectionClientId = "";
    @Option(names = "--include-tag", description = "repeatable") List<String> includeTags = new ArrayList<>();
    @Option(names = "--exclude-tag", description = "repeatable") List<String> excludeTags = new ArrayList<>();
    @Option(names = "--include-path", description = "glob, e.g. /repos/**; repeatable") List<String> includePaths = new ArrayList<>();
    @Option(names = "--exclude-path", description = "glob; repeatable") List<String> excludePaths = new ArrayList<>();
    @Option(names = "--include-operation", description = "operationId or tool name; repeatable")
    List<String> includeOperations = new ArrayList<>();
    @Option(names = "--exclude-operation", description = "operationId or tool name; repeatable")
    List<String> excludeOperations = new ArrayList<>();
    @Option(names = "--format-checks", paramLabel = "assert|annotate", description = "whether the tools refuse values"
            + " that do not have their schema's format (date-time, date, uuid, email, ...): assert (the default), or"
            + " take formats as hints and leave the check to the upstream: annotate") String formatChecks = "";
    @Option(names = "--tool-format-checks", paramLabel = "TOOL=assert|annotate", description = "the same for one"
            + " tool (its own name, e.g. list_events); repeatable") Map<String, String> toolFormatChecks = new LinkedHashMap<>();
    @Spec CommandSpec spec;

    private FormatChecks formatChecks(String option, String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "assert" -> FormatChecks.FORMAT_CHECKS_ASSERT;
            case "annotate" -> FormatChecks.FORMAT_CHECKS_ANNOTATE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), option + " must be assert or"
                    + " annotate, not '" + value + "'");
        };
    }

    @Override
    public Integer call() throws Exception {
        OpenApiImportOptions.Builder formats = OpenApiImportOptions.newBuilder();
        if (!formatChecks.isEmpty()) {
            formats.setFormatChecks(formatChecks("--format-checks", formatChecks));
        }
        toolFormatChecks.forEach((tool, value) -> formats.putToolFormatChecks(tool,
                formatChecks("--tool-format-checks " + tool, value)));
        String document = CliFiles.readDocument(file, "an OpenAPI document", CliFiles.MAX_DOCUMENT_BYTES);
        ImportOpenApiRequest request = ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration(integration)
                .setDocument(document)
                .setOptions(formats.setBaseUrl(baseUrl).putAllServerVariables(serverVariables)
                        .putAllSecrets(secrets).putAllBindings(bindings).setConnectionClientId(connectionClientId).addAllIncludeTags(includeTags).addAllExcludeTags(excludeTags)
                        .addAllIncludePaths(includePaths).addAllExcludePaths(excludePaths)
                        .addAllIncludeOperations(includeOperations).addAllExcludeOperations(excludeOperations))
                .build();
        ImportOpenApiResponse r;
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
            r = AdminServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                    .withDeadlineAfter(5, TimeUnit.MINUTES).importOpenApi(request);
        }
        System.out.printf("integration %s (%s) -> %s%n", r.getIntegration(), r.getSourceVersion(), r.getBaseUrl());
        System.out.printf("%d added, %d changed, %d unchanged, %d removed, %d excluded by filters, %d skipped%n",
                r.getAddedCount(), r.getChangedCount(), r.getUnchangedCount(), r.getRemovedCount(), r.getExcluded(),
                r.getWarningsList().stream().filter(ImportWarning::getSkipped).count());
        r.getAddedList().forEach(t -> System.out.println("  + " + t));
        r.getChangedList().forEach(t -> System.out.println("  ~ " + t));
        r.getRemovedList().forEach(t -> System.out.println("  - " + t));
        r.getHeldList().forEach(t -> System.out.println("  ? " + t + ": definition changed, held for review"
                + " (toolgate changes list)"));
        for (ImportWarning w : r.getWarningsList()) {
            System.out.println((w.getSkipped() ? "skipped " : "warning ") + (w.getOperation().isEmpty() ? "document"
                    : w.getOperation()) + ": " + w.getMessage());
        }
        for (CredentialRequirement c : r.getCredentialsList()) {
            if (c.getType().equals("UNSUPPORTED")) {
                System.out.printf("scheme %s cannot be used: %s%n", c.getScheme(), c.getNote());
                continue;
            }
            System.out.printf("secret %s for scheme %s (%s): %s%n", c.getSecret(), c.getScheme(), c.getType(),
                    c.getPresent() ? "present" : "missing; store it with: toolgate admin put-secret --tenant " + tenant
                            + " " + c.getSecret());
        }
        PolicyNotice.notAllowed(tenant, r.getIntegration(), r.getNotAllowedList());
        return 0;
    }
}
