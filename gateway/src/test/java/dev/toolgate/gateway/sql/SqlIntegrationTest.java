package dev.toolgate.gateway.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.observability.testing.TcpProxy;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.PutSqlIntegrationRequest;
import dev.toolgate.proto.v1.PutSqlIntegrationResponse;
import dev.toolgate.proto.v1.SqlConnectionSpec;
import dev.toolgate.proto.v1.SqlParameterSpec;
import dev.toolgate.proto.v1.SqlToolSpec;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Value;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SQL tools end to end on the real PostgreSQL: a sample schema made here, a least-privilege
 * reader role, tools declared through AdminService, calls over real gRPC.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String schema = "sqlt_" + UUID.randomUUID().toString().substring(0, 8);
    private final String reader = "tg_reader_" + UUID.randomUUID().toString().substring(0, 8);
    private final String legacy = "tg_legacy_" + UUID.randomUUID().toString().substring(0, 8);

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Value("${datasources.default.url}")
    String databaseUrl;

    TenantFixture fx;
    AdminServiceGrpc.AdminServiceBlockingStub admin;
    ToolServiceGrpc.ToolServiceBlockingStub agent;

    @BeforeAll
    void setUp() throws SQLException {
        sql("CREATE SCHEMA " + schema);
        sql("CREATE TABLE " + schema + ".customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE,"
                + " renewal_date date, balance numeric(12,2), tags text[], profile jsonb, created_at timestamptz,"
                + " active boolean, score double precision, big bigint, seen_at timestamp)");
        sql("CREATE TABLE " + schema + ".notes (id serial PRIMARY KEY, customer_id int NOT NULL, body text NOT NULL)");
        sql("CREATE FUNCTION " + schema + ".bump() RETURNS int LANGUAGE sql VOLATILE AS"
                + " $$ INSERT INTO " + schema + ".notes (customer_id, body) VALUES (0, 'bump') RETURNING id $$");
        sql("INSERT INTO " + schema + ".customers (name, email, renewal_date, balance, tags, profile, created_at,"
                + " active, score, big, seen_at) VALUES"
                + " ('Ada', 'ada@example.com', '2027-01-31', 1234.50, ARRAY['vip','eu'], '{\"tier\":\"gold\",\"n\":[1,2]}',"
                + "  '2026-11-30 09:15:00+01', true, 0.5, 9007199254740993, '2026-11-30 08:00:00'),"
                + " ('Bob', 'bob@example.com', NULL, 0, '{}', NULL, '2026-11-29 10:00:00+00', false, NULL, NULL, NULL),"
                + " ('Cy', 'cy@example.com', '2027-03-01', 10, ARRAY['us'], '[]', '2026-11-28 10:00:00+00', true, 1, 1, NULL),"
                + " ('Di', 'di@example.com', '2027-04-01', 20, NULL, '{}', '2026-11-27 10:00:00+00', true, 2, 2, NULL),"
                + " ('Ed', 'ed''o@example.com', '2027-05-01', 30, NULL, '{}', '2026-11-26 10:00:00+00', true, 3, 3, NULL)");
        sql("CREATE ROLE " + reader + " LOGIN");
        sql("GRANT USAGE ON SCHEMA " + schema + " TO " + reader);
        sql("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + reader);
        sql("GRANT EXECUTE ON FUNCTION " + schema + ".bump() TO " + reader);
        // the role may write notes: only the read-only transaction stops the sneaky tools below
        sql("GRANT INSERT, DELETE ON " + schema + ".notes TO " + reader);
        sql("GRANT USAGE ON SEQUENCE " + schema + ".notes_id_seq TO " + reader);
        // a role whose sessions default to the old string syntax, where \' does not end a string
        sql("CREATE ROLE " + legacy + " LOGIN");
        sql("ALTER ROLE " + legacy + " SET standard_conforming_strings = off");
        sql("GRANT USAGE ON SCHEMA " + schema + " TO " + legacy);
        sql("GRANT SELECT, DELETE ON " + schema + ".notes TO " + legacy);

        fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        admin = Clients.bootstrapAdmin(channel);
        agent = fx.agent();
        admin.putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("crm_password")
                .setValue("not-checked-under-trust-auth").build());
        admin.putSqlIntegration(PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm")
                .setDescription("Customer database")
                // one connection: a call after a cancelled one must get that same connection back, usable
                .setConnection(connection(databaseUrl, reader).setPasswordSecret("crm_password").setPoolSize(1)
                        .addDiscoverySchemas(schema))
                .addTools(tool("find_customer", "SELECT id, name, email, renewal_date, balance, tags, profile,"
                        + " created_at, active, score, big, seen_at FROM " + schema + ".customers WHERE email = :email")
                        .addParameters(SqlParameterSpec.newBuilder().setName("email").setType("text")
                                .setDescription("the customer's email")))
                .addTools(tool("customers_since", "SELECT id, name FROM " + schema + ".customers"
                        + " WHERE created_at >= :since ORDER BY id").setMaxRows(2))
                .addTools(tool("by_name", "SELECT id FROM " + schema + ".customers WHERE name = :name"))
                .addTools(tool("by_tag", "SELECT id FROM " + schema + ".customers WHERE :tag = ANY(tags)"))
                .addTools(tool("sneaky_insert", "WITH x AS (INSERT INTO " + schema + ".notes (customer_id, body)"
                        + " VALUES (1, 'cte') RETURNING id) SELECT id FROM x"))
                .addTools(tool("sneaky_function", "SELECT " + schema + ".bump() AS id"))
                .addTools(tool("slow", "SELECT pg_sleep(:seconds) AS slept")
                        .setTimeout(com.google.protobuf.Duration.newBuilder().setNanos(500_000_000)))
                .build());
        admin.putSqlIntegration(PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm_writer")
                .setConnection(connection(databaseUrl, dev.toolgate.gateway.support.TestDatabase.user()))
                .addTools(tool("add_note", "INSERT INTO " + schema + ".notes (customer_id, body)"
                        + " VALUES (:customer_id, :body) RETURNING id").setAllowWrites(true))
                .build());
    }

    @AfterAll
    void tearDown() throws SQLException {
        sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        for (String role : List.of(reader, legacy)) {
            sql("DROP OWNED BY " + role);
            sql("DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void aCallReturnsTheRowWithFaithfulTypesAndColumnMetadata() throws Exception {
        ExecuteToolResponse r = call("crm.find_customer", "{\"email\":\"ada@example.com\"}");

        assertThat(r.getIsError()).isFalse();
        assertThat(r.getResultTruncated()).isFalse();
        JsonNode result = JSON.readTree(r.getResultJson());
        assertThat(result.get("row_count").asInt()).isEqualTo(1);
        assertThat(result.get("truncated").asBoolean()).isFalse();
        assertThat(result.get("columns").get(4).toString()).isEqualTo("{\"name\":\"balance\",\"type\":\"numeric\"}");
        JsonNode row = result.get("rows").get(0);
        assertThat(row.get("id").isIntegralNumber()).isTrue();
        assertThat(row.get("name").asText()).isEqualTo("Ada");
        assertThat(row.get("renewal_date").asText()).isEqualTo("2027-01-31");
        assertThat(row.get("balance").isTextual()).isTrue();
        assertThat(row.get("balance").asText()).isEqualTo("1234.50");
        assertThat(row.get("tags").toString()).isEqualTo("[\"vip\",\"eu\"]");
        assertThat(row.get("profile").toString()).isEqualTo("{\"n\":[1,2],\"tier\":\"gold\"}");
        assertThat(row.get("created_at").asText()).isEqualTo("2026-11-30T08:15:00Z");
        assertThat(row.get("active").asBoolean()).isTrue();
        assertThat(row.get("score").asDouble()).isEqualTo(0.5);
        assertThat(row.get("big").toString()).isEqualTo("9007199254740993"); // exact beyond 2^53
        assertThat(row.get("seen_at").asText()).isEqualTo("2026-11-30T08:00:00");

        JsonNode bob = JSON.readTree(call("crm.find_customer", "{\"email\":\"bob@example.com\"}").getResultJson())
                .get("rows").get(0);
        assertThat(bob.get("renewal_date").isNull()).isTrue();
        assertThat(bob.get("tags").toString()).isEqualTo("[]");
        assertThat(bob.get("profile").isNull()).isTrue();
    }

    @Test
    void moreRowsThanMaxRowsAreCutAndFlaggedTruncated() throws Exception {
        ExecuteToolResponse r = call("crm.customers_since", "{\"since\":\"2026-01-01T00:00:00Z\"}");

        JsonNode result = JSON.readTree(r.getResultJson());
        assertThat(result.get("rows")).hasSize(2);
        assertThat(result.get("truncated").asBoolean()).isTrue();
        assertThat(r.getResultTruncated()).isTrue();
    }

    @Test
    void parameterTypesAreInferredByTheDatabaseAndBecomeTheInputSchema() throws Exception {
        Tool since = agent.getTool(GetToolRequest.newBuilder().setName("crm.customers_since").build());
        JsonNode schema = JSON.readTree(since.getInputSchemaJson());

        assertThat(schema.get("properties").get("since").toString())
                .isEqualTo("{\"type\":\"string\",\"format\":\"date-time\"}");
        assertThat(schema.get("required").toString()).isEqualTo("[\"since\"]");
        assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
        assertThat(since.getAnnotations().getReadOnly()).isTrue();
    }

    @Test
    void injectionAttemptsInArgumentsReturnNoExtraRowsAndChangeNothing() throws Exception {
        long customers = count("customers");
        long notes = count("notes");
        List<String> payloads = List.of("' OR 1=1 --", "x'; DROP TABLE " + schema + ".customers; --",
                "\u2019 OR \u20181\u2019=\u20181", "Ada' OR 'a'='a", "\\'; DELETE FROM " + schema + ".notes; --",
                "$$; DROP TABLE " + schema + ".notes; $$", "Ada\u02bc OR 1=1");
        for (String payload : payloads) {
            String args = JSON.createObjectNode().put("name", payload).toString();
            assertThat(rows(call("crm.by_name", args))).as(payload).isEmpty();
            String byEmail = JSON.createObjectNode().put("email", payload).toString();
            assertThat(rows(call("crm.find_customer", byEmail))).as(payload).isEmpty();
            String byTag = JSON.createObjectNode().put("tag", payload).toString();
            assertThat(rows(call("crm.by_tag", byTag))).as(payload).isEmpty();
        }
        // a quote in real data is matched as data
        assertThat(rows(call("crm.find_customer", "{\"email\":\"ed'o@example.com\"}"))).hasSize(1);
        assertThat(count("customers")).isEqualTo(customers);
        assertThat(count("notes")).isEqualTo(notes);
    }

    @Test
    void aRegistrationWithTwoStatementsIsRefusedAndChangesNothing() {
        StatusRuntimeException e = refusedPut("crm", tool("evil", "SELECT 1; DROP TABLE " + schema + ".customers"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).anySatisfy(v -> {
            assertThat(v.getField()).isEqualTo("tools[0].sql");
            assertThat(v.getDescription()).contains("only one statement");
        });
        assertThat(agent.getTool(GetToolRequest.newBuilder().setName("crm.find_customer").build()).getVersion())
                .isEqualTo(1);
    }

    @Test
    void aQueryTheDatabaseRefusesIsReportedAtRegistrationWithItsField() {
        StatusRuntimeException e = refusedPut("crm_typo", tool("ok", "SELECT 1 AS one"),
                tool("typo", "SELEC id FROM " + schema + ".customers"),
                tool("missing", "SELECT id FROM " + schema + ".nope WHERE id = :id"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).extracting(v -> v.getField()).containsExactly("tools[1].sql", "tools[2].sql");
        assertThat(e.getStatus().getDescription()).contains("tools[1].sql: the database refused the query").contains("syntax error");
        assertThat(Clients.violations(e).get(1).getDescription()).contains("does not exist");
    }

    @Test
    void aReadOnlyToolWhoseQueryWouldWriteFailsAndChangesNothing() throws Exception {
        long notes = count("notes");

        ExecuteToolResponse cte = call("crm.sneaky_insert", "{}");
        ExecuteToolResponse function = call("crm.sneaky_function", "{}");

        for (ExecuteToolResponse r : List.of(cte, function)) {
            assertThat(r.getIsError()).isTrue();
            assertThat(r.getUpstreamStatus()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.getResultJson()).get("error");
            assertThat(error.get("sqlstate").asText()).isEqualTo("25006");
            assertThat(error.get("message").asText()).contains("read-only transaction");
        }
        assertThat(count("notes")).isEqualTo(notes);
    }

    @Test
    void aSecondStatementHiddenBehindACarriageReturnCommentIsRefused() {
        StatusRuntimeException e = refusedPut("crm_cr",
                tool("cr", "SELECT 1 AS one --x\r; COMMIT; DELETE FROM " + schema + ".notes"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("tools[0].sql").contains("only one statement");
    }

    @Test
    void aRoleDefaultingToOldStringSyntaxCannotTurnOneStatementIntoThree() throws Exception {
        long notes = count("notes");
        admin.putSqlIntegration(PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm_legacy")
                .setConnection(connection(databaseUrl, legacy))
                .addTools(tool("quoted", "SELECT 'a\\', '; COMMIT; DELETE FROM " + schema + ".notes; --' AS x"))
                .build());

        ExecuteToolResponse r = call("crm_legacy.quoted", "{}");

        assertThat(rows(r)).hasSize(1);
        assertThat(count("notes")).isEqualTo(notes);
    }

    @Test
    void resultsAreCappedInUtf8BytesBetweenRows() throws Exception {
        admin.putSqlIntegration(PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm_big")
                .setConnection(connection(databaseUrl, reader))
                .addTools(tool("wide", "SELECT n, repeat('é', 1000) AS t FROM generate_series(1, 2000) AS n")
                        .setMaxRows(10_000))
                .addTools(tool("odd", "SELECT 'NaN'::numeric AS n, 0.1::float4 AS f, 'Infinity'::float8 AS inf"))
                .build());

        ExecuteToolResponse wide = call("crm_big.wide", "{}");
        JsonNode result = JSON.readTree(wide.getResultJson());
        assertThat(result.get("truncated").asBoolean()).isTrue();
        assertThat(result.get("rows").size()).isBetween(400, 600);
        assertThat(wide.getResultJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(1_048_576);

        JsonNode odd = rows(call("crm_big.odd", "{}")).get(0);
        assertThat(odd.get("n").asText()).isEqualTo("NaN");
        assertThat(odd.get("f").toString()).isEqualTo("0.1");
        assertThat(odd.get("inf").asText()).isEqualTo("Infinity");
    }

    @Test
    void aWritingToolCommitsItsChange() throws Exception {
        long notes = count("notes");

        ExecuteToolResponse r = call("crm_writer.add_note", "{\"customer_id\":1,\"body\":\"renewal call booked\"}");

        assertThat(r.getIsError()).isFalse();
        assertThat(rows(r).get(0).get("id").isIntegralNumber()).isTrue();
        assertThat(count("notes")).isEqualTo(notes + 1);
        Tool tool = agent.getTool(GetToolRequest.newBuilder().setName("crm_writer.add_note").build());
        assertThat(tool.getAnnotations().getReadOnly()).isFalse();
    }

    @Test
    void aSlowQueryEndsAtTheDeadlineAndTheConnectionIsUsableAfterwards() throws Exception {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> call("crm.slow", "{\"seconds\":5}"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(e.getStatus().getDescription()).contains("cancelled at the deadline");
        assertThat(activeSleeps()).isZero();
        assertThat(rows(call("crm.find_customer", "{\"email\":\"cy@example.com\"}"))).hasSize(1);
        assertThat(JSON.readTree(call("crm.slow", "{\"seconds\":0}").getResultJson()).get("row_count").asInt())
                .isEqualTo(1);
    }

    @Test
    void anArgumentOfTheWrongTypeIsRefusedBeforeTheDatabase() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> call("crm.customers_since", "{\"since\":\"yesterday\"}"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("since");

        StatusRuntimeException extra = catchThrowableOfType(StatusRuntimeException.class,
                () -> call("crm.find_customer", "{\"email\":\"ada@example.com\",\"limit\":1}"));
        assertThat(extra.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void discoveryToolsShowOnlyTheAllowedSchemas() throws Exception {
        List<JsonNode> tables = rows(call("crm.list_tables", "{}"));
        assertThat(tables).extracting(t -> t.get("name").asText()).containsExactly("customers", "notes");
        assertThat(tables).allSatisfy(t -> assertThat(t.get("schema").asText()).isEqualTo(schema));

        List<JsonNode> columns = rows(call("crm.describe_table", "{\"table\":\"customers\"}"));
        assertThat(columns).extracting(c -> c.get("column").asText()).startsWith("id", "name", "email");
        assertThat(rows(call("crm.describe_table", "{\"table\":\"pg_class\"}"))).isEmpty();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> call(
                "crm.list_tables", "{\"allowed_schemas\":[\"pg_catalog\"]}"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void databaseDownAnswersUnavailableAndCallsWorkAgainOnceItIsBack() throws Exception {
        URI db = URI.create(databaseUrl.substring("jdbc:".length()));
        try (TcpProxy proxy = TcpProxy.start(db.getHost(), db.getPort() < 0 ? 5432 : db.getPort())) {
            String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + db.getPath();
            admin.putSqlIntegration(PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm_far")
                    .setConnection(connection(viaProxy, reader).setPoolSize(1))
                    .addTools(tool("count", "SELECT count(*) AS n FROM " + schema + ".customers"))
                    .build());
            assertThat(rows(call("crm_far.count", "{}")).get(0).get("n").asInt()).isEqualTo(5);
            // one try per call: without it each call below retries the unreachable database 3 times
            admin.setIntegrationResilience(dev.toolgate.proto.v1.SetIntegrationResilienceRequest.newBuilder()
                    .setResilience(dev.toolgate.proto.v1.IntegrationResilience.newBuilder().setTenant(fx.tenant)
                            .setIntegration("crm_far").setMaxAttempts(1)).build());

            proxy.down();
            StatusRuntimeException first = catchThrowableOfType(StatusRuntimeException.class,
                    () -> call("crm_far.count", "{}"));
            StatusRuntimeException second = catchThrowableOfType(StatusRuntimeException.class,
                    () -> call("crm_far.count", "{}"));
            for (StatusRuntimeException e : List.of(first, second)) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).contains("crm_far");
            }
            assertThat(second.getStatus().getDescription()).contains("cannot be reached");

            proxy.up();
            assertThat(rows(call("crm_far.count", "{}")).get(0).get("n").asInt()).isEqualTo(5);
        }
    }

    /** Sessions of this database now running the nap's {@code pg_sleep}. */
    private static long napping() {
        try (java.sql.Connection c = dev.toolgate.gateway.support.TestDatabase.dataSource(
                dev.toolgate.gateway.support.TestDatabase.url()).getConnection();
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(%'"
                     + " AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCallRunningWhileItsPoolIsReplacedFinishesNormally() throws Exception {
        PutSqlIntegrationRequest.Builder put = PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("crm_swap")
                .addTools(tool("nap", "SELECT pg_sleep(:seconds) AS slept, 1 AS done"))
                .addTools(tool("count", "SELECT count(*) AS n FROM " + schema + ".customers"));
        admin.putSqlIntegration(put.setConnection(connection(databaseUrl, reader).setPoolSize(1)).build());
        var running = java.util.concurrent.CompletableFuture.supplyAsync(() -> call("crm_swap.nap", "{\"seconds\":1.5}"));
        dev.toolgate.gateway.support.Eventually.until(() -> assertThat(napping()).isPositive()); // on the first pool

        admin.putSqlIntegration(put.setConnection(connection(databaseUrl, reader).setPoolSize(2)).build());
        assertThat(rows(call("crm_swap.count", "{}")).get(0).get("n").asInt()).isEqualTo(5); // new pool

        ExecuteToolResponse nap = running.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(rows(nap).get(0).get("done").asInt()).isEqualTo(1);
    }

    @Test
    void arrayUuidAndJsonArgumentsAreBoundAsTheirTypes() throws Exception {
        admin.putSqlIntegration(PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm_types")
                .setConnection(connection(databaseUrl, reader))
                .addTools(tool("by_ids", "SELECT name FROM " + schema + ".customers WHERE id = ANY(:ids) ORDER BY id"))
                .addTools(tool("echo", "SELECT CAST(:u AS uuid) AS u, CAST(:doc AS jsonb) -> 'k' AS k,"
                        + " CAST(:amount AS numeric) * 2 AS twice")
                        .addParameters(SqlParameterSpec.newBuilder().setName("u").setType("uuid"))
                        .addParameters(SqlParameterSpec.newBuilder().setName("doc").setType("jsonb"))
                        .addParameters(SqlParameterSpec.newBuilder().setName("amount").setType("numeric")))
                .build());

        assertThat(rows(call("crm_types.by_ids", "{\"ids\":[1,3]}"))).extracting(r -> r.get("name").asText())
                .containsExactly("Ada", "Cy");
        JsonNode echo = rows(call("crm_types.echo", "{\"u\":\"7b1e6f8e-2c4a-4a53-9d7e-1f2a3b4c5d6e\","
                + "\"doc\":{\"k\":[1,\"two\"]},\"amount\":\"0.10\"}")).get(0);
        assertThat(echo.get("u").asText()).isEqualTo("7b1e6f8e-2c4a-4a53-9d7e-1f2a3b4c5d6e");
        assertThat(echo.get("k").toString()).isEqualTo("[1,\"two\"]");
        assertThat(echo.get("twice").asText()).isEqualTo("0.20");
        StatusRuntimeException badUuid = catchThrowableOfType(StatusRuntimeException.class,
                () -> call("crm_types.echo", "{\"u\":\"nope\",\"doc\":{},\"amount\":1}"));
        assertThat(badUuid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badUuid.getStatus().getDescription()).contains("u");
    }

    @Test
    void credentialsInTheUrlAndDriverOptionsThatLoadClassesAreRefused() {
        for (String url : List.of(databaseUrl + "?password=x", databaseUrl + "?socketFactory=java.lang.Object",
                "jdbc:mysql://127.0.0.1/test", "jdbc:postgresql://user:pw@127.0.0.1/test")) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> admin.putSqlIntegration(
                    PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm_bad")
                            .setConnection(connection(url, reader)).addTools(tool("one", "SELECT 1 AS one")).build()));
            assertThat(e.getStatus().getCode()).as(url).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Clients.violations(e)).as(url)
                    .anySatisfy(v -> assertThat(v.getField()).isEqualTo("connection.jdbc_url"));
        }
    }

    @Test
    void aPutListsEachToolsParametersAndColumns() {
        PutSqlIntegrationRequest put = PutSqlIntegrationRequest.newBuilder()
                .setTenant(fx.tenant).setIntegration("crm_report")
                .setConnection(connection(databaseUrl, reader))
                .addTools(tool("renewals", "SELECT name, renewal_date FROM " + schema + ".customers"
                        + " WHERE renewal_date <= :until AND (CAST(:active AS boolean) IS NULL OR active = :active)")
                        .addParameters(SqlParameterSpec.newBuilder().setName("active").setType("boolean")
                                .setNotRequired(true)))
                .build();
        PutSqlIntegrationResponse r = admin.putSqlIntegration(put);

        assertThat(r.getAddedList()).containsExactly("crm_report.renewals");
        assertThat(r.getTools(0).getParametersList()).containsExactly("until date", "active boolean (optional)");
        assertThat(r.getTools(0).getColumnsList()).containsExactly("name text", "renewal_date date");

        PutSqlIntegrationResponse again = admin.putSqlIntegration(put);
        assertThat(again.getUnchangedList()).containsExactly("crm_report.renewals");
    }

    /** A put of these tools as the reader role, which must be refused. */
    private StatusRuntimeException refusedPut(String integration, SqlToolSpec.Builder... tools) {
        PutSqlIntegrationRequest.Builder put = PutSqlIntegrationRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration(integration).setConnection(connection(databaseUrl, reader));
        for (SqlToolSpec.Builder t : tools) {
            put.addTools(t);
        }
        return catchThrowableOfType(StatusRuntimeException.class, () -> admin.putSqlIntegration(put.build()));
    }

    private static SqlConnectionSpec.Builder connection(String url, String user) {
        return SqlConnectionSpec.newBuilder().setJdbcUrl(url).setUser(user);
    }

    private static SqlToolSpec.Builder tool(String name, String sql) {
        return SqlToolSpec.newBuilder().setName(name).setDescription("Test tool " + name).setSql(sql);
    }

    private ExecuteToolResponse call(String tool, String args) {
        return agent.executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(args).build());
    }

    private static List<JsonNode> rows(ExecuteToolResponse r) throws Exception {
        assertThat(r.getIsError()).as(r.getResultJson()).isFalse();
        List<JsonNode> out = new java.util.ArrayList<>();
        JSON.readTree(r.getResultJson()).get("rows").forEach(out::add);
        return out;
    }

    private long count(String table) throws SQLException {
        return scalar("SELECT count(*) FROM " + schema + "." + table);
    }

    private long activeSleeps() throws SQLException {
        return scalar("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep%'");
    }

    private long scalar(String query) throws SQLException {
        try (Connection c = raw().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = raw().getConnection(); Statement s = c.createStatement()) {
            if (!c.getAutoCommit()) {
                s.execute(statement);
                c.commit();
            } else {
                s.execute(statement);
            }
        }
    }

    private DataSource raw() {
        return DelegatingDataSource.unwrapDataSource(dataSource);
    }
}
