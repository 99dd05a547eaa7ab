package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.export.ExportNote;
import dev.toolgate.gateway.export.ToolFormat;
import dev.toolgate.proto.v1.ExportFormat;
import dev.toolgate.proto.v1.ExportNoteKind;

/** Export formats and notes between proto and domain. Stateless. */
final class ExportProto {
    private ExportProto() {
    }

    static ToolFormat format(ExportFormat format) {
        return switch (format) {
            case EXPORT_FORMAT_OPENAI -> ToolFormat.OPENAI;
            case EXPORT_FORMAT_OPENAI_STRICT -> ToolFormat.OPENAI_STRICT;
            case EXPORT_FORMAT_ANTHROPIC -> ToolFormat.ANTHROPIC;
            case EXPORT_FORMAT_ANTHROPIC_DEFERRED -> ToolFormat.ANTHROPIC_DEFERRED;
            case EXPORT_FORMAT_GEMINI -> ToolFormat.GEMINI;
            case EXPORT_FORMAT_MCP -> ToolFormat.MCP;
            default -> throw GatewayException.invalidArgument("format", "format is required: EXPORT_FORMAT_OPENAI,"
                    + " EXPORT_FORMAT_OPENAI_STRICT, EXPORT_FORMAT_ANTHROPIC, EXPORT_FORMAT_ANTHROPIC_DEFERRED,"
                    + " EXPORT_FORMAT_GEMINI or EXPORT_FORMAT_MCP");
        };
    }

    static dev.toolgate.proto.v1.ExportNote note(ExportNote n) {
        ExportNoteKind kind = switch (n.kind()) {
            case DROPPED -> ExportNoteKind.EXPORT_NOTE_KIND_DROPPED;
            case REWRITTEN -> ExportNoteKind.EXPORT_NOTE_KIND_REWRITTEN;
            case TRIMMED -> ExportNoteKind.EXPORT_NOTE_KIND_TRIMMED;
            case NOT_STRICT -> ExportNoteKind.EXPORT_NOTE_KIND_NOT_STRICT;
            case REFUSED -> ExportNoteKind.EXPORT_NOTE_KIND_REFUSED;
        };
        return dev.toolgate.proto.v1.ExportNote.newBuilder().setExportedName(n.exportedName()).setKind(kind)
                .setMessage(n.message()).build();
    }
}
