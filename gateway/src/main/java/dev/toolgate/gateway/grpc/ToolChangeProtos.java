package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.catalog.DefinitionDiff;
import dev.toolgate.gateway.catalog.PinningMode;
import dev.toolgate.gateway.catalog.ToolChangeEntity;
import dev.toolgate.gateway.catalog.ToolChanges;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.proto.v1.ToolChange;
import dev.toolgate.proto.v1.ToolChangeStatus;
import dev.toolgate.proto.v1.ToolPinningMode;

/** Held definition changes between domain and proto. */
final class ToolChangeProtos {
    private ToolChangeProtos() {
    }

    static ToolChange summary(ToolChangeEntity c) {
        ToolChange.Builder b = ToolChange.newBuilder().setId(c.id()).setTool(c.toolName())
                .setPinnedVersion(c.pinnedVersion()).setProposedVersion(c.proposedVersion())
                .setPinnedHash(c.pinnedHash()).setProposedHash(c.proposedHash()).setSource(c.source())
                .addAllFlags(ToolChanges.flags(c)).setStatus(ToolChangeStatus.valueOf("TOOL_CHANGE_STATUS_" + c.status()))
                .setCreatedAt(ProtoMapper.timestamp(c.createdAt())).setDecidedBy(c.decidedBy()).setNote(c.note());
        if (c.decidedAt() != null) {
            b.setDecidedAt(ProtoMapper.timestamp(c.decidedAt()));
        }
        return b.build();
    }

    static ToolChange detail(ToolChanges.Detail d) {
        ToolChange.Builder b = summary(d.change()).toBuilder()
                .setPinnedDefinitionJson(d.pinned().json().toString())
                .setProposedDefinitionJson(d.proposed().json().toString());
        for (DefinitionDiff.Entry e : d.diff()) {
            b.addDiff(dev.toolgate.proto.v1.DefinitionDiff.newBuilder().setOp(e.op()).setPath(e.path())
                    .setBeforeJson(e.before()).setAfterJson(e.after()));
        }
        return b.build();
    }

    static PinningMode mode(ToolPinningMode mode) {
        return switch (mode) {
            case TOOL_PINNING_MODE_UNSPECIFIED, TOOL_PINNING_MODE_HOLD -> PinningMode.HOLD;
            case TOOL_PINNING_MODE_DISABLE -> PinningMode.DISABLE;
            case TOOL_PINNING_MODE_OFF -> PinningMode.OFF;
            case UNRECOGNIZED -> throw GatewayException.invalidArgument("mode", "mode must be HOLD, DISABLE or OFF");
        };
    }

    static ToolPinningMode mode(PinningMode mode) {
        return ToolPinningMode.valueOf("TOOL_PINNING_MODE_" + mode.name());
    }
}
