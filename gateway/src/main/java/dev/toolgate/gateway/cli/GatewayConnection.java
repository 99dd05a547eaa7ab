package dev.toolgate.gateway.cli;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A client channel to the gateway at {@code TOOLGATE_ADDRESS} with a bearer key. {@code https://host:port}
 * speaks TLS (the JDK's trusted CAs, or those in {@code TOOLGATE_CA_FILE}; a client certificate from
 * {@code TOOLGATE_CLIENT_CERT_FILE} + {@code TOOLGATE_CLIENT_KEY_FILE}); {@code host:port} or
 * {@code http://host:port} is plaintext.
 */
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
        Target target = target(System.getenv());
        ManagedChannel channel = Grpc.newChannelBuilder(target.authority(), target.credentials())
                .userAgent("toolgate-cli")
                .build();
        return new GatewayConnection(channel, new BearerCredentials(key.trim()));
    }

    /** Where to connect and how, from {@code TOOLGATE_ADDRESS} and the TLS variables. */
    record Target(String authority, ChannelCredentials credentials) {
    }

    static Target target(Map<String, String> env) {
        String address = env.getOrDefault("TOOLGATE_ADDRESS", DEFAULT_ADDRESS).trim();
        String cert = blankToNull(env.get("TOOLGATE_CLIENT_CERT_FILE"));
        String clientKey = blankToNull(env.get("TOOLGATE_CLIENT_KEY_FILE"));
        String ca = blankToNull(env.get("TOOLGATE_CA_FILE"));
        if (address.startsWith("https://")) {
            return new Target(authority(address.substring("https://".length())), tls(ca, cert, clientKey));
        }
        if (ca != null || cert != null || clientKey != null) {
            throw new CliException("TOOLGATE_CA_FILE / TOOLGATE_CLIENT_CERT_FILE / TOOLGATE_CLIENT_KEY_FILE need a TLS"
                    + " address: set TOOLGATE_ADDRESS=https://" + authority(address.replaceFirst("^http://", "")));
        }
        return new Target(authority(address.replaceFirst("^http://", "")), InsecureChannelCredentials.create());
    }

    private static ChannelCredentials tls(String ca, String cert, String key) {
        if ((cert == null) != (key == null)) {
            throw new CliException("TOOLGATE_CLIENT_CERT_FILE and TOOLGATE_CLIENT_KEY_FILE go together, but only "
                    + (cert != null ? "TOOLGATE_CLIENT_CERT_FILE" : "TOOLGATE_CLIENT_KEY_FILE") + " is set");
        }
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
        try {
            if (ca != null) {
                b.trustManager(readable("TOOLGATE_CA_FILE", ca));
            }
            if (cert != null) {
                b.keyManager(readable("TOOLGATE_CLIENT_CERT_FILE", cert), readable("TOOLGATE_CLIENT_KEY_FILE", key));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("cannot read the TLS files (TOOLGATE_CA_FILE / TOOLGATE_CLIENT_CERT_FILE /"
                    + " TOOLGATE_CLIENT_KEY_FILE): " + e.getMessage());
        }
        return b.build();
    }

    private static File readable(String variable, String path) {
        File f = new File(path);
        if (!f.isFile() || !f.canRead()) {
            throw new CliException(variable + " must name a readable PEM file, but was " + path);
        }
        return f;
    }

    private static String authority(String address) {
        String a = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
        if (a.isEmpty() || a.contains("/")) {
            throw new CliException("TOOLGATE_ADDRESS must be host:port, http://host:port or https://host:port, but was "
                    + address);
        }
        return a;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
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
