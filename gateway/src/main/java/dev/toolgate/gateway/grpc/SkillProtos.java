package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.skills.SkillStore;
import dev.toolgate.gateway.skills.ToolPattern;
import dev.toolgate.proto.v1.SkillInfo;
import dev.toolgate.proto.v1.SkillSecret;
import java.util.Map;

/** Skills as the admin API shows them: secret names only, never a value. */
final class SkillProtos {
    private SkillProtos() {
    }

    static SkillInfo info(SkillStore.Listed listed) {
        var skill = listed.skill();
        SkillInfo.Builder b = SkillInfo.newBuilder().setName(skill.name()).setDescription(skill.description())
                .addAllTools(skill.tools().stream().map(ToolPattern::text).toList())
                .addAllKeyIds(listed.keyIds()).setCreatedAt(ProtoMapper.timestamp(skill.createdAt()));
        for (Map.Entry<String, String> e : skill.secrets().entrySet()) {
            int slash = e.getKey().indexOf('/');
            b.addSecrets(SkillSecret.newBuilder().setIntegration(e.getKey().substring(0, slash))
                    .setSlot(e.getKey().substring(slash + 1)).setSecret(e.getValue()));
        }
        return b.build();
    }
}
