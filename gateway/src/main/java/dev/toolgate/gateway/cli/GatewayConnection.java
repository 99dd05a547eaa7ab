package dev.toolgate.gateway.cli;

import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** A client channel to the gateway at {@code TOOLGATE_ADDRESS} with a bearer key. */
final class GatewayConnection implements AutoCloseable {
    static final String DEFAULT_ADDRESS = "127.0.0.1:50051";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final CallCredentials credentials;

    private GatewayConnection(ManagedChannel channel, CallCredentials credentials) {
        this.channel = channel;
        this.credentials = credentials;
    }

    /**
     * @param keyVariable the environment variable holding the key, named in the error when unset
     */
    static GatewayConnection open(String keyVariable) {
        String key = System.getenv(keyVariable);
        if (key == null || key.isBlank()) {
            throw new CliException(keyVariable + " is not set; export " + keyVariable + "=tg_... (./toolgate demo prints one)");
        }
        String address = System.getenv().getOrDefault("TOOLGATE_ADDRESS", DEFAULT_ADDRESS);
        ManagedChannel channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
                .userAgent("toolgate-cli")
                .build();
        return new GatewayConnection(channel, new BearerCredentials(key.trim()));
    }

    ManagedChannel channel() {
        return channel;
    }

    CallCredentials credentials() {
        return credentials;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }

    private static final class BearerCredentials extends CallCredentials {
        private final String key;

        BearerCredentials(String key) {
            this.key = key;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + key);
            applier.apply(headers);
        }
    }
}
