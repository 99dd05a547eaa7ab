package dev.toolgate.gateway.execution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A mutualTLS security scheme against a real HTTPS upstream that demands a client certificate
 * from the test CA; the gateway trusts that CA through toolgate.http.trusted-ca-file.
 */
@MicronautTest
@Property(name = "toolgate.http.trusted-ca-file", value = "src/test/resources/tls/ca.pem")
class MutualTlsTest {
    private static final Path TLS = Path.of("src/test/resources/tls");

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    HttpsServer server;
    final List<String> clientSubjects = new CopyOnWriteArrayList<>();
    AdminServiceGrpc.AdminServiceBlockingStub admin;
    ToolServiceGrpc.ToolServiceBlockingStub tools;
    String tenant;

    @BeforeEach
    void setUp() throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        SSLContext context = serverContext();
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", ex -> {
            try (ex) {
                X509Certificate peer = (X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0];
                clientSubjects.add(peer.getSubjectX500Principal().getName());
                byte[] body = "{\"secure\":true}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
        admin = Clients.bootstrapAdmin(channel);
        tenant = "tls-" + UUID.randomUUID().toString().substring(0, 10);
        admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        admin.importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration("vault")
                .setDocument("""
                        openapi: 3.1.0
                        info: {title: Vault, version: "1"}
                        servers: [{url: "https://127.0.0.1:PORT"}]
                        components:
                          securitySchemes:
                            clientCert: {type: mutualTLS}
                        security: [{clientCert: []}]
                        paths:
                          /status:
                            get:
                              operationId: status
                              responses: {'200': {description: ok}}
                        """.replace("PORT", String.valueOf(server.getAddress().getPort())))
                .build());
        tools = Clients.tools(channel, admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant)
                .setAgentId("bot").build()).getApiKey());
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private SSLContext serverContext() throws Exception {
        Pem.Identity identity = Pem.identity(Files.readString(TLS.resolve("server-identity.pem")));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", identity.key(), new char[0], identity.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.certificates(Files.readString(TLS.resolve("ca.pem"))).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private void storeIdentity(String file) throws Exception {
        admin.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("vault_client_cert")
                .setValue(Files.readString(TLS.resolve(file))).build());
    }

    private ExecuteToolResponse status() {
        return tools.executeTool(ExecuteToolRequest.newBuilder().setTool("vault.status").setArgumentsJson("{}").build());
    }

    @Test
    void call_withClientIdentitySecret_presentsTheCertificate() throws Exception {
        storeIdentity("client-identity.pem");

        ExecuteToolResponse r = status();

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(r.getResultJson()).contains("secure");
        assertThat(clientSubjects).containsExactly("CN=toolgate-client");
    }

    @Test
    void call_withIdentityTheUpstreamDoesNotTrust_isUnavailableWithoutDetailsOfTheKey() throws Exception {
        storeIdentity("stranger-identity.pem");

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, this::status);

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).contains("vault").doesNotContain("PRIVATE KEY");
        assertThat(clientSubjects).isEmpty();
    }

    @Test
    void call_withoutTheSecret_namesIt() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, this::status);

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains("'vault_client_cert'");
    }

    @Test
    void call_withMalformedIdentity_isFailedPrecondition() throws Exception {
        admin.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("vault_client_cert")
                .setValue("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----").build());

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, this::status);

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains("PKCS#8");
    }
}
