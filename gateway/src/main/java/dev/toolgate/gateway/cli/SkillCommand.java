package dev.toolgate.gateway.cli;

import static dev.toolgate.gateway.cli.AdminCommand.admin;

import dev.toolgate.proto.v1.AddSkillToolsRequest;
import dev.toolgate.proto.v1.AssignSkillRequest;
import dev.toolgate.proto.v1.AttachSkillSecretRequest;
import dev.toolgate.proto.v1.CreateSkillRequest;
import dev.toolgate.proto.v1.DeleteSkillRequest;
import dev.toolgate.proto.v1.DetachSkillSecretRequest;
import dev.toolgate.proto.v1.ListSkillsRequest;
import dev.toolgate.proto.v1.RemoveSkillToolsRequest;
import dev.toolgate.proto.v1.SkillInfo;
import dev.toolgate.proto.v1.SkillSecret;
import dev.toolgate.proto.v1.UnassignSkillRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Skill verbs (key from TOOLGATE_ADMIN_KEY); each prints the skill as it stands afterwards. */
@Command(name = "skill", description = "Manage skills: named bundles of tools with their own credentials, assigned to"
        + " API keys (key from TOOLGATE_ADMIN_KEY).",
        subcommands = {SkillCommand.Create.class, SkillCommand.AddTool.class, SkillCommand.RemoveTool.class,
                SkillCommand.AttachSecret.class, SkillCommand.DetachSecret.class, SkillCommand.Assign.class,
                SkillCommand.Unassign.class, SkillCommand.ListSkills.class, SkillCommand.Delete.class})
final class SkillCommand {
    private SkillCommand() {
    }

    /** One skill, as {@code list} and every change print it. */
    static String describe(SkillInfo s) {
        StringBuilder out = new StringBuilder(s.getName());
        if (!s.getDescription().isEmpty()) {
            out.append("  ").append(s.getDescription());
        }
        out.append("\n  tools:   ").append(s.getToolsList().isEmpty() ? "(none)" : String.join(", ", s.getToolsList()));
        List<String> secrets = new ArrayList<>();
        for (SkillSecret secret : s.getSecretsList()) {
            secrets.add(secret.getIntegration() + "/" + secret.getSlot() + " <- " + secret.getSecret());
        }
        out.append("\n  secrets: ").append(secrets.isEmpty() ? "(none)" : String.join(", ", secrets));
        out.append("\n  keys:    ").append(s.getKeyIdsList().isEmpty() ? "(none)" : String.join(", ", s.getKeyIdsList()));
        return out.toString();
    }

    @Command(name = "create", description = "Create a skill, optionally with its first tools.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(paramLabel = "SKILL") String name;
        @Option(names = "--description") String description = "";
        @Option(names = "--tool", description = "an integration name or a tool-name glob (desk.get_*); repeatable")
        List<String> tools = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            System.out.println(describe(admin(s -> s.createSkill(CreateSkillRequest.newBuilder().setTenant(tenant)
                    .setName(name).setDescription(description).addAllTools(tools).build()))));
            return 0;
        }
    }

    @Command(name = "add-tool", description = "Add tools: integration names (all their tools) or tool-name globs.")
    static final class AddTool implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "SKILL") String skill;
        @Parameters(index = "1..*", paramLabel = "TOOL", arity = "1..*") List<String> tools;

        @Override
        public Integer call() throws Exception {
            System.out.println(describe(admin(s -> s.addSkillTools(AddSkillToolsRequest.newBuilder().setTenant(tenant)
                    .setSkill(skill).addAllTools(tools).build()))));
            return 0;
        }
    }

    @Command(name = "remove-tool", description = "Remove tool entries from a skill.")
    static final class RemoveTool implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "SKILL") String skill;
        @Parameters(index = "1..*", paramLabel = "TOOL", arity = "1..*") List<String> tools;

        @Override
        public Integer call() throws Exception {
            System.out.println(describe(admin(s -> s.removeSkillTools(RemoveSkillToolsRequest.newBuilder()
                    .setTenant(tenant).setSkill(skill).addAllTools(tools).build()))));
            return 0;
        }
    }

    @Command(name = "attach-secret", description = "Use a stored secret for a credential slot of an HTTP integration"
            + " in calls under the skill (the slot is the secret name the integration's auth uses).")
    static final class AttachSecret implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "SKILL") String skill;
        @Option(names = "--integration", required = true) String integration;
        @Option(names = "--slot", required = true, description = "the secret name the integration's auth names")
        String slot;
        @Option(names = "--secret", required = true, description = "the stored secret to use for it") String secret;

        @Override
        public Integer call() throws Exception {
            System.out.println(describe(admin(s -> s.attachSkillSecret(AttachSkillSecretRequest.newBuilder()
                    .setTenant(tenant).setSkill(skill).setIntegration(integration).setSlot(slot).setSecret(secret)
                    .build()))));
            return 0;
        }
    }

    @Command(name = "detach-secret", description = "Remove the secret attached to a credential slot.")
    static final class DetachSecret implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "SKILL") String skill;
        @Option(names = "--integration", required = true) String integration;
        @Option(names = "--slot", required = true) String slot;

        @Override
        public Integer call() throws Exception {
            System.out.println(describe(admin(s -> s.detachSkillSecret(DetachSkillSecretRequest.newBuilder()
                    .setTenant(tenant).setSkill(skill).setIntegration(integration).setSlot(slot).build()))));
            return 0;
        }
    }

    @Command(name = "assign", description = "Assign the skill to an API key (by key id): the key then sees and calls"
            + " only the tools of its skills.")
    static final class Assign implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "SKILL") String skill;
        @Option(names = "--key", required = true, description = "the key id (key_...), not the key") String keyId;

        @Override
        public Integer call() throws Exception {
            System.out.println(describe(admin(s -> s.assignSkill(AssignSkillRequest.newBuilder().setTenant(tenant)
                    .setSkill(skill).setKeyId(keyId).build()))));
            return 0;
        }
    }

    @Command(name = "unassign", description = "Take the skill from an API key.")
    static final class Unassign implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "SKILL") String skill;
        @Option(names = "--key", required = true, description = "the key id (key_...)") String keyId;

        @Override
        public Integer call() throws Exception {
            System.out.println(describe(admin(s -> s.unassignSkill(UnassignSkillRequest.newBuilder().setTenant(tenant)
                    .setSkill(skill).setKeyId(keyId).build()))));
            return 0;
        }
    }

    @Command(name = "list", description = "List the tenant's skills with their tools, secrets (names) and keys.")
    static final class ListSkills implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;

        @Override
        public Integer call() throws Exception {
            List<SkillInfo> skills = admin(s -> s.listSkills(ListSkillsRequest.newBuilder().setTenant(tenant).build()))
                    .getSkillsList();
            if (skills.isEmpty()) {
                System.err.println("toolgate: tenant " + tenant + " has no skills: its keys call tenant-wide");
            }
            skills.forEach(s -> System.out.println(describe(s)));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a skill with its tools, attachments and assignments.")
    static final class Delete implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(paramLabel = "SKILL") String skill;

        @Override
        public Integer call() throws Exception {
            admin(s -> s.deleteSkill(DeleteSkillRequest.newBuilder().setTenant(tenant).setName(skill).build()));
            System.out.println("skill " + skill + " deleted");
            return 0;
        }
    }
}
