package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.DecideToolChangeRequest;
import dev.toolgate.proto.v1.DefinitionDiff;
import dev.toolgate.proto.v1.GetToolChangeRequest;
import dev.toolgate.proto.v1.ListToolChangesRequest;
import dev.toolgate.proto.v1.SetToolPinningRequest;
import dev.toolgate.proto.v1.ToolChange;
import dev.toolgate.proto.v1.ToolPinningMode;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toolgate changes}: held changes of pinned tool definitions (docs/catalog.md). */
@Command(name = "changes", description = "Changed tool definitions held for review: list, show, approve, reject"
        + " (key from TOOLGATE_ADMIN_KEY). See docs/catalog.md.",
        subcommands = {ChangesCommand.List.class, ChangesCommand.Show.class, ChangesCommand.Approve.class,
                ChangesCommand.Reject.class, ChangesCommand.Pinning.class})
final class ChangesCommand {
    private ChangesCommand() {
    }

    private static AdminServiceGrpc.AdminServiceBlockingStub admin(GatewayConnection conn) {
        return AdminServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** {@code toolgate changes list --tenant T [--all] [--tool NAME]}. */
    @Command(name = "list", description = "The pending changes (--all: every change and its decision, newest first).")
    static final class List implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--all", description = "decided and superseded changes too") boolean all;
        @Option(names = "--tool", description = "only this tool's changes (integration.tool)") String tool = "";

        @Override
        public Integer call() throws Exception {
            try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
                java.util.List<ToolChange> changes = admin(conn).listToolChanges(ListToolChangesRequest.newBuilder()
                        .setTenant(tenant).setAll(all).setTool(tool).build()).getChangesList();
                if (changes.isEmpty()) {
                    System.out.println(all ? "no changes" : "no pending changes");
                }
                changes.forEach(ChangesCommand::printSummary);
            }
            return 0;
        }
    }

    /** {@code toolgate changes show --tenant T ID}. */
    @Command(name = "show", description = "One change: its findings and the differences between the definitions.")
    static final class Show implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
                printDetail(admin(conn).getToolChange(GetToolChangeRequest.newBuilder().setTenant(tenant).setId(id)
                        .build()));
            }
            return 0;
        }
    }

    /** {@code toolgate changes approve --tenant T ID [--note TEXT]}. */
    @Command(name = "approve", description = "The proposed definition serves from now on.")
    static final class Approve implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--note", description = "why (kept with the decision)") String note = "";
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            return decide(tenant, id, true, note);
        }
    }

    /** {@code toolgate changes reject --tenant T ID [--note TEXT]}. */
    @Command(name = "reject", description = "The pinned definition stays; the same proposal is not held again.")
    static final class Reject implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--note", description = "why (kept with the decision)") String note = "";
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            return decide(tenant, id, false, note);
        }
    }

    /** {@code toolgate changes pinning --tenant T hold|disable|off}. */
    @Command(name = "pinning", description = "What held changes do meanwhile: hold (the pinned definition serves,"
            + " the default), disable (the tool is refused until a decision) or off (changes apply at once).")
    static final class Pinning implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "MODE", description = "hold, disable or off") String mode;

        @Override
        public Integer call() throws Exception {
            ToolPinningMode m;
            try {
                m = ToolPinningMode.valueOf("TOOL_PINNING_MODE_" + mode.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CliException("MODE must be hold, disable or off, but was '" + mode + "'");
            }
            try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
                var r = admin(conn).setToolPinning(SetToolPinningRequest.newBuilder().setTenant(tenant).setMode(m)
                        .build());
                System.out.println("tenant " + r.getTenant() + ": pinning "
                        + r.getMode().name().substring("TOOL_PINNING_MODE_".length()).toLowerCase(Locale.ROOT));
            }
            return 0;
        }
    }

    private static int decide(String tenant, String id, boolean approve, String note) throws Exception {
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
            ToolChange c = admin(conn).decideToolChange(DecideToolChangeRequest.newBuilder().setTenant(tenant)
                    .setId(id).setApprove(approve).setNote(note).build());
            System.out.println((approve ? "approved: " : "rejected: ") + c.getTool() + " now serves version "
                    + (approve ? c.getProposedVersion() : c.getPinnedVersion()));
        }
        return 0;
    }

    private static String status(ToolChange c) {
        return c.getStatus().name().substring("TOOL_CHANGE_STATUS_".length()).toLowerCase(Locale.ROOT);
    }

    private static void printSummary(ToolChange c) {
        System.out.printf("%s  %s  v%d -> v%d  %s  %s  %s%s%n", c.getId(), c.getTool(), c.getPinnedVersion(),
                c.getProposedVersion(), status(c), c.getSource(),
                Instant.ofEpochSecond(c.getCreatedAt().getSeconds()),
                c.getDecidedBy().isEmpty() ? "" : "  by " + c.getDecidedBy());
        c.getFlagsList().forEach(f -> System.out.println("  ! " + f));
    }

    private static void printDetail(ToolChange c) {
        printSummary(c);
        if (!c.getNote().isEmpty()) {
            System.out.println("  note: " + c.getNote());
        }
        for (DefinitionDiff d : c.getDiffList()) {
            switch (d.getOp()) {
                case "added" -> System.out.println("  + " + d.getPath() + ": " + d.getAfterJson());
                case "removed" -> System.out.println("  - " + d.getPath() + ": " + d.getBeforeJson());
                default -> System.out.println("  ~ " + d.getPath() + ": " + d.getBeforeJson() + " -> "
                        + d.getAfterJson());
            }
        }
    }
}
