package dev.toolgate.gateway.cli;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Prints any failure as one line on stderr and picks the exit code. */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        err.println("toolgate: " + describe(e));
        err.flush();
        return EXIT_FAILURE;
    }

    static String describe(Throwable e) {
        if (e instanceof StatusRuntimeException sre) {
            return describe(sre);
        }
        if (e instanceof CliException) {
            return e.getMessage();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        if (status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null) {
            return "UNAVAILABLE: cannot reach the gateway at "
                    + System.getenv().getOrDefault("TOOLGATE_ADDRESS", GatewayConnection.DEFAULT_ADDRESS)
                    + " (is it running? set TOOLGATE_ADDRESS)";
        }
        StringBuilder sb = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            sb.append(": ").append(status.getDescription().replace('\n', ' '));
        }
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        if (rich != null) {
            for (com.google.protobuf.Any any : rich.getDetailsList()) {
                try {
                    if (any.is(ErrorInfo.class)) {
                        ErrorInfo info = any.unpack(ErrorInfo.class);
                        sb.append(" [").append(info.getReason()).append(']');
                        String connect = info.getMetadataOrDefault("connect_url", "");
                        if (!connect.isEmpty()) { // the user opens it to connect their account
                            sb.append(" connect_url=").append(connect);
                        }
                    } else if (any.is(BadRequest.class) && status.getDescription() == null) {
                        for (BadRequest.FieldViolation v : any.unpack(BadRequest.class).getFieldViolationsList()) {
                            sb.append(' ').append(v.getField()).append(": ").append(v.getDescription()).append(';');
                        }
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                    // a malformed detail adds nothing to the line
                }
            }
        }
        return sb.toString();
    }
}
