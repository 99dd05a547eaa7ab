package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Digests;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS set-ups of the executor's clients: one shared, and one per TLS client identity (mutual
 * TLS), made once and reused so connections pool — as JDK HTTP clients (OAuth token requests, and
 * HTTP tools with {@code toolgate.http.client=jdk}) and as Netty contexts (HTTP tools). Upstream certificates are checked against
 * the JDK's CAs plus those in {@code toolgate.http.trusted-ca-file} (PEM), for private CAs.
 * Thread-safe.
 */
@Singleton
class TlsClients {
    private static final int MAX_IDENTITIES = 256;
    /** Shared by every client: a virtual thread per step, nothing pooled, nothing to shut down. */
    private static final java.util.concurrent.Executor CLIENT_STEPS = java.util.concurrent.Executors
            .newThreadPerTaskExecutor(Thread.ofVirtual().name("http-client-", 0).factory());

    private final Duration connectTimeout;
    private final TrustManagerFactory trust;
    private final java.net.http.HttpClient shared;
    private final Map<String, java.net.http.HttpClient> byIdentity = new ConcurrentHashMap<>();
    private final NettyTls sharedTls;
    private final Map<String, NettyTls> tlsByIdentity = new ConcurrentHashMap<>();

    /** The TLS set-up of the Netty upstream client for one client identity ({@code ""}: none). */
    record NettyTls(io.netty.handler.ssl.SslContext context, String identity) {
    }

    TlsClients(HttpProperties http) {
        this.connectTimeout = http.connectTimeout();
        dev.toolgate.gateway.logging.WireLogPinning.clearJdkHttpClientSwitches(); // before the JDK client loads
        this.trust = trustManagers(http.trustedCaFile());
        this.shared = build(null);
        this.sharedTls = new NettyTls(netty(sslContext(null)), "");
    }

    /** The Netty TLS context presenting the identity in {@code pem}; the shared one when empty. */
    NettyTls nettyForIdentity(Optional<String> pem) {
        if (pem.isEmpty()) {
            return sharedTls;
        }
        String id = Digests.sha256Hex(pem.get());
        NettyTls tls = tlsByIdentity.get(id);
        if (tls != null) {
            return tls;
        }
        if (tlsByIdentity.size() >= MAX_IDENTITIES) {
            tlsByIdentity.keySet().stream().findFirst().map(tlsByIdentity::remove);
        }
        return tlsByIdentity.computeIfAbsent(id, k -> new NettyTls(netty(sslContext(Pem.identity(pem.get()))), k));
    }

    @SuppressWarnings("deprecation")
    private static io.netty.handler.ssl.SslContext netty(SSLContext context) {
        return new io.netty.handler.ssl.JdkSslContext(context, true, null,
                io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE,
                io.netty.handler.ssl.ApplicationProtocolConfig.DISABLED, io.netty.handler.ssl.ClientAuth.NONE,
                null, false);
    }

    java.net.http.HttpClient shared() {
        return shared;
    }

    /** The client presenting the identity in {@code pem}; the shared client when empty. */
    java.net.http.HttpClient forIdentity(Optional<String> pem) {
        if (pem.isEmpty()) {
            return shared;
        }
        String id = Digests.sha256Hex(pem.get());
        java.net.http.HttpClient client = byIdentity.get(id);
        if (client != null) {
            return client;
        }
        if (byIdentity.size() >= MAX_IDENTITIES) {
            // rotated identities must not pile up: let one go, finishing its requests in flight
            byIdentity.keySet().stream().findFirst().map(byIdentity::remove)
                    .ifPresent(java.net.http.HttpClient::shutdown);
        }
        return byIdentity.computeIfAbsent(id, k -> build(Pem.identity(pem.get())));
    }

    private java.net.http.HttpClient build(Pem.Identity identity) {
        return java.net.http.HttpClient.newBuilder()
                // the client's own steps (TLS work, body delivery) run on virtual threads: the JDK's
                // default cached pool cost more CPU in hand-offs than the steps themselves, and
                // running them on the selector thread would put every upstream's TLS on one core
                // (docs/benchmarks.md, optimisation 4)
                .executor(CLIENT_STEPS)
                .connectTimeout(connectTimeout)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .sslContext(sslContext(identity))
                .build();
    }

    private SSLContext sslContext(Pem.Identity identity) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            KeyManagerFactory keys = null;
            if (identity != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] none = new char[0];
                store.setKeyEntry("client", identity.key(), none, identity.chain().toArray(new X509Certificate[0]));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, none);
            }
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trustManagers(String caFile) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile.isBlank()) {
                factory.init((KeyStore) null);
                return factory;
            }
            List<X509Certificate> extra = Pem.certificates(Files.readString(Path.of(caFile), StandardCharsets.US_ASCII));
            if (extra.isEmpty()) {
                throw new IllegalStateException("toolgate.http.trusted-ca-file " + caFile + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            int i = 0;
            for (javax.net.ssl.TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + i++, ca);
                    }
                }
            }
            for (X509Certificate ca : extra) {
                store.setCertificateEntry("extra-" + i++, ca);
            }
            factory.init(store);
            return factory;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read toolgate.http.trusted-ca-file " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load trusted CAs: " + e.getMessage(), e);
        }
    }

    

    @PreDestroy
    void close() {
        shared.shutdownNow();
        byIdentity.values().forEach(java.net.http.HttpClient::shutdownNow);
    }
}
