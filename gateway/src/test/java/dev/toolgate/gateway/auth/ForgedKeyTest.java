package dev.toolgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.KeysTableLock;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestDatabase;
import dev.toolgate.proto.v1.ListToolsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Forged keys are cheap to send: a malformed one must cost no database query, and a flood of
 * well-formed unknown ones must neither reach the database twice for one key nor push a valid
 * key out of the cache. Proven with {@code api_keys} locked: a lookup would wait on the lock
 * (the gRPC deadline only bounds how long a broken gateway is waited for).
 */
@MicronautTest(transactional = false)
@Property(name = "toolgate.auth.cache-ttl", value = "10m")
@Property(name = "toolgate.auth.negative-cache-size", value = "1000")
@Property(name = "toolgate.auth.failed-attempts-per-peer", value = "1000000")
class ForgedKeyTest {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** More unknown keys than any bounded key cache holds (the old one emptied itself at 100,000). */
    private static final int FLOOD = 100_001;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    Authenticator authenticator;

    /** {@code tg_} + 43 base62 chars + a 6-char base62 checksum that is not the CRC32 of the rest. */
    private static String wrongChecksumKey() {
        StringBuilder key = new StringBuilder("tg_");
        for (int i = 0; i < 43; i++) {
            key.append(BASE62.charAt(RANDOM.nextInt(62)));
        }
        CRC32 crc = new CRC32();
        crc.update(key.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long wrong = (crc.getValue() + 1) & 0xffffffffL;
        char[] sum = new char[6];
        for (int i = 5; i >= 0; i--) {
            sum[i] = BASE62.charAt((int) (wrong % 62));
            wrong /= 62;
        }
        return key.append(sum).toString();
    }

    @Test
    void forgedKeysWithAWrongChecksum_areRefusedWithoutADatabaseLookup() throws Exception {
        try (KeysTableLock locked = KeysTableLock.hold(TestDatabase.dataSource(TestDatabase.url()).getConnection())) {
            for (int i = 0; i < 200; i++) {
                String forged = wrongChecksumKey();
                StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> Clients
                        .tools(channel, forged).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listTools(ListToolsRequest.getDefaultInstance()));
                assertThat(e).as("forged key %d", i).isNotNull();
                assertThat(e.getStatus().getCode()).as("forged key %d: %s", i, e.getStatus())
                        .isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).contains("malformed");
            }
        }
    }

    @Test
    void aFloodOfUnknownWellFormedKeys_doesNotEvictAValidKeysCacheEntry() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:1");
        fx.agent().listTools(ListToolsRequest.getDefaultInstance()); // now cached

        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> parts = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                int share = FLOOD / 6 + (p == 0 ? FLOOD % 6 : 0);
                parts.add(pool.submit(() -> {
                    int refused = 0;
                    for (int i = 0; i < share; i++) {
                        try {
                            authenticator.authenticate("Bearer " + ApiKeyFormat.generate());
                        } catch (GatewayException e) {
                            refused++;
                        }
                    }
                    return refused;
                }));
            }
            int refused = 0;
            for (Future<Integer> part : parts) {
                refused += part.get();
            }
            assertThat(refused).isEqualTo(FLOOD);
        } finally {
            pool.shutdownNow();
        }

        try (KeysTableLock locked = KeysTableLock.hold(TestDatabase.dataSource(TestDatabase.url()).getConnection())) {
            assertThat(fx.agent().withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty();
        }
    }
}
