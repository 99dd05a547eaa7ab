package dev.toolgate.gateway.cli;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.toolgate.gateway.core.ClockFactory;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.QueryCallsRequest;
import dev.toolgate.proto.v1.QueryCallsResponse;
import dev.toolgate.proto.v1.ToolCall;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toolgate audit}: the audit trail from the shell. */
@Command(name = "audit", description = {
        "A tenant's call records, newest first (key from TOOLGATE_ADMIN_KEY): time, status, tool, agent, policy"
                + " decision and rule, call id, trace id.",
        "Times are ISO-8601 instants or ages such as 15m, 2h, 7d."})
final class AuditCommand implements Callable<Integer> {
    @Option(names = "--tenant", required = true) String tenant;
    @Option(names = "--since", description = "e.g. 2026-12-01T00:00:00Z or 2h") String since = "";
    @Option(names = "--until", description = "e.g. 2026-12-02T00:00:00Z or 30m") String until = "";
    @Option(names = "--agent") String agent = "";
    @Option(names = "--tool", description = "qualified name") String tool = "";
    @Option(names = "--session") String session = "";
    @Option(names = "--decision", description = "allow, confirm, deny or rate_limited") String decision = "";
    @Option(names = "--status", description = "e.g. SUCCEEDED, DENIED, PENDING_CONFIRMATION") String status = "";
    @Option(names = "--trace", description = "trace id") String trace = "";
    @Option(names = "--skill", description = "calls that ran under this skill") String skill = "";
    @Option(names = "--user", description = "the end user the calls were made for") String user = "";
    @Option(names = "--limit", description = "calls at most (default ${DEFAULT-VALUE})", defaultValue = "50") int limit;
    @Option(names = "--json", description = "one JSON object per line") boolean json;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || limit > 100_000) {
            throw new CliException("--limit must be 1-100000, but was " + limit);
        }
        QueryCallsRequest.Builder request = QueryCallsRequest.newBuilder().setTenant(tenant).setAgentId(agent)
                .setTool(tool).setSessionId(session).setPolicyDecision(decision)
                .setStatus(status.toUpperCase(Locale.ROOT)).setTraceId(trace).setSkill(skill).setUserId(user);
        if (!since.isEmpty()) {
            request.setSince(timestamp("--since", since));
        }
        if (!until.isEmpty()) {
            request.setUntil(timestamp("--until", until));
        }
        int shown = 0;
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
            AdminServiceGrpc.AdminServiceBlockingStub admin = AdminServiceGrpc.newBlockingStub(conn.channel())
                    .withCallCredentials(conn.credentials());
            String token = "";
            do {
                QueryCallsResponse page = admin.withDeadlineAfter(30, TimeUnit.SECONDS).queryCalls(request
                        .setPageSize(Math.min(500, limit - shown)).setPageToken(token).build());
                for (ToolCall c : page.getCallsList()) {
                    System.out.println(json ? JsonFormat.printer().omittingInsignificantWhitespace().print(c) : line(c));
                    shown++;
                }
                token = page.getNextPageToken();
            } while (!token.isEmpty() && shown < limit);
        }
        return 0;
    }

    private static String line(ToolCall c) {
        String decision = c.getPolicyDecision().isEmpty() ? "-" : c.getPolicyDecision()
                + (c.getPolicyRule().isEmpty() ? "" : " by " + c.getPolicyRule());
        return String.join("  ", Instant.ofEpochSecond(c.getStartedAt().getSeconds(), c.getStartedAt().getNanos())
                        .toString(), c.getStatus().name().replace("CALL_STATUS_", ""), c.getTool(), c.getAgentId(),
                decision, c.getCallId(), c.getTraceId().isEmpty() ? "-" : c.getTraceId());
    }

    static Timestamp timestamp(String option, String text) {
        Instant at;
        try {
            at = Instant.parse(text);
        } catch (DateTimeParseException e) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,6})([smhd])").matcher(text.strip());
            if (!m.matches()) {
                throw new CliException(option + " must be an ISO-8601 instant (2026-12-01T00:00:00Z) or an age such as"
                        + " 15m, 2h or 7d, but was '" + text + "'");
            }
            long n = Long.parseLong(m.group(1));
            Duration age = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            at = ClockFactory.system().instant().minus(age);
        }
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
