package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.error.GatewayException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 24's usability findings, each on a document fragment in the shape the public
 * descriptions use: numbers as written, required lists without repeats, the parser's remarks
 * not in the log, and a document without a base URL refused before the parser's long work.
 */
class OpenApiFragmentsTest {
    private static ImportedTool only(String document) {
        ImportPlan plan = OpenApiImporter.plan(OpenApiDocument.parse(document), "frag", ImportOptions.DEFAULTS);
        assertThat(plan.tools()).hasSize(1);
        return plan.tools().get(0);
    }

    static final String NUMBERS = """
            openapi: 3.0.3
            info: {title: numbers, version: "1"}
            servers: [{url: https://numbers.invalid}]
            paths:
              /items:
                get:
                  operationId: listItems
                  parameters:
                    - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 100}}
                    - {name: ratio, in: query, schema: {type: number, minimum: 0.50, maximum: 1.0E+3, multipleOf: 0.01}}
                  responses: {'200': {description: ok}}
            """;

    @Test
    void schemaNumbers_arePrintedAsWritten_notWithAnExponent() {
        JsonNode schema = only(NUMBERS).inputSchema();

        assertThat(schema.toString()).doesNotContainPattern("[0-9][eE][+-]?[0-9]");
        assertThat(schema.at("/properties/limit").toString())
                .isEqualTo("{\"maximum\":100,\"minimum\":1,\"type\":\"integer\",\"default\":100}");
        assertThat(schema.at("/properties/ratio/maximum").toString()).isEqualTo("1000");
        assertThat(schema.at("/properties/ratio/minimum").toString()).isEqualTo("0.5");
        assertThat(schema.at("/properties/ratio/multipleOf").toString()).isEqualTo("0.01");
        assertThat(schema.at("/properties/limit/maximum").isIntegralNumber()).isTrue();
    }

    @Test
    void swaggerNumbers_arePrintedAsWritten() {
        JsonNode schema = only("""
                swagger: "2.0"
                info: {title: numbers, version: "1"}
                host: numbers.invalid
                paths:
                  /items:
                    get:
                      operationId: listItems
                      parameters:
                        - {name: limit, in: query, type: integer, minimum: 1, maximum: 500, default: 100}
                      responses: {'200': {description: ok}}
                """).inputSchema();

        assertThat(schema.at("/properties/limit").toString()).doesNotContain("E+").contains("\"maximum\":500");
    }

    @Test
    void plainNumbers_hugeExponentsKeepTheirForm() {
        assertThat(PlainNumbers.plain(new java.math.BigDecimal("1E+100000")).toString()).isEqualTo("1E+100000");
        assertThat(PlainNumbers.plain(new java.math.BigDecimal("12345678901234567890123")).toString())
                .isEqualTo("12345678901234567890123");
        assertThat(PlainNumbers.plain(new java.math.BigDecimal("2.50")).toString()).isEqualTo("2.5");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"3.0.3", "3.1.0"})
    void duplicateRequiredEntries_areKeptOnce(String version) {
        ImportedTool tool = only("""
                openapi: VERSION
                info: {title: required, version: "1"}
                servers: [{url: https://required.invalid}]
                paths:
                  /cases:
                    post:
                      operationId: createCase
                      requestBody:
                        required: true
                        content:
                          application/json:
                            schema:
                              type: object
                              required: [summary, summary, customer]
                              properties:
                                summary: {type: string}
                                customer:
                                  type: object
                                  required: [id, id, id]
                                  properties: {id: {type: string}}
                      responses:
                        '201':
                          description: ok
                          content:
                            application/json:
                              schema: {type: object, required: [id, id], properties: {id: {type: string}}}
                """.replace("VERSION", version));

        assertThat(tool.inputSchema().path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("summary", "customer");
        assertThat(tool.inputSchema().at("/properties/customer/required").toString()).isEqualTo("[\"id\"]");
        assertThat(tool.outputSchema().path("required").toString()).isEqualTo("[\"id\"]");
    }

    static final String SCHEMAS_THE_PARSER_REMARKS_ON = """
            swagger: "2.0"
            info: {title: remarks, version: "1"}
            host: remarks.invalid
            paths:
              /links:
                get:
                  operationId: listLinks
                  responses:
                    '200':
                      description: ok
                      schema: {$ref: '#/definitions/Link'}
            definitions:
              Link:
                type: object
                properties:
                  href: {format: uri}
                  mail: {format: email}
                  other: {}
            """;

    @Test
    void parserRemarks_doNotReachTheLog() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            only(SCHEMAS_THE_PARSER_REMARKS_ON);
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).noneMatch(e -> e.getLoggerName().startsWith("io.swagger"));
    }

    @Test
    void gatewayLogConfiguration_keepsTheParsersOwnLinesOut() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(OpenApiFragmentsTest.class.getResource("/logback.xml"));

        assertThat(context.getLogger("io.swagger.util.PropertyDeserializer").isEnabledFor(Level.WARN)).isFalse();
        assertThat(context.getLogger("io.swagger.v3.parser.converter.SwaggerConverter").isEnabledFor(Level.WARN))
                .isFalse();
        assertThat(context.getLogger("io.swagger.v3.parser").isEnabledFor(Level.ERROR)).isTrue();
        assertThat(context.getLogger("dev.toolgate.gateway").isEnabledFor(Level.WARN)).isTrue();
        context.stop();
    }

    @Test
    void documentWithoutUsableBaseUrl_isRefusedBeforeTheParserRuns() {
        for (String document : new String[] {
            "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nbasePath: /api\npaths: {}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\n",
            "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nservers: [{url: /v1}]\npaths: {}\n",
            "openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\nservers: [{url: '{scheme}://'}]\npaths: {}\n"}) {
            AtomicBoolean checked = new AtomicBoolean();
            JsonNode raw = readRaw(document, checked);

            assertThat(checked).as(document).isTrue();
            assertThat(OpenApiImporter.mayHaveBaseUrl(raw, ImportOptions.DEFAULTS)).as(document).isFalse();
            assertThat(OpenApiImporter.mayHaveBaseUrl(raw, ImportOptions.builder().baseUrl("https://x.invalid")
                    .build())).as(document).isTrue();
        }
        JsonNode withHost = readRaw("swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nhost: h.invalid\npaths: {}\n",
                new AtomicBoolean());
        assertThat(OpenApiImporter.mayHaveBaseUrl(withHost, ImportOptions.DEFAULTS)).isTrue();
        JsonNode withVariables = readRaw("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nservers: [{url: "
                + "'https://{region}.example.com', variables: {region: {default: eu}}}]\npaths: {}\n", new AtomicBoolean());
        assertThat(OpenApiImporter.mayHaveBaseUrl(withVariables, ImportOptions.DEFAULTS)).isTrue();
    }

    /** The tree the check sees; the check stops the parse, so the parser never runs. */
    private static JsonNode readRaw(String document, AtomicBoolean checked) {
        JsonNode[] seen = new JsonNode[1];
        assertThatThrownBy(() -> OpenApiDocument.parse(document, raw -> {
            checked.set(true);
            seen[0] = raw;
            throw GatewayException.invalidArgument("options.base_url", "stop here");
        })).isInstanceOf(GatewayException.class).hasMessageContaining("stop here");
        return seen[0];
    }

    static final String OPTIONAL_BODY = """
            openapi: 3.0.3
            info: {title: body, version: "1"}
            servers: [{url: https://body.invalid}]
            paths:
              /cases:
                post:
                  operationId: createCase
                  requestBody:
                    content:
                      application/json:
                        schema:
                          type: object
                          required: [summary, priority]
                          properties:
                            summary: {type: string}
                            priority: {type: string}
                            note: {type: string}
                  responses: {'200': {description: ok}}
            """;

    @Test
    void optionalBodyWithRequiredProperties_requiresThemOnceAnyBodyPropertyIsGiven() {
        JsonNode schema = only(OPTIONAL_BODY).inputSchema();

        assertThat(schema.path("properties").fieldNames()).toIterable().containsExactly("summary", "priority", "note");
        assertThat(schema.has("required")).isFalse();
        JsonNode dependent = schema.path("dependentRequired");
        assertThat(dependent.fieldNames()).toIterable().containsExactly("summary", "priority", "note");
        assertThat(dependent.path("summary")).extracting(JsonNode::asText).containsExactly("priority");
        assertThat(dependent.path("priority")).extracting(JsonNode::asText).containsExactly("summary");
        assertThat(dependent.path("note")).extracting(JsonNode::asText).containsExactlyInAnyOrder("summary", "priority");
    }

    @Test
    void optionalBodyWithABoundProperty_isAlwaysSent_soItsRequiredPropertiesAreRequired() {
        ImportPlan plan = OpenApiImporter.plan(OpenApiDocument.parse(OPTIONAL_BODY), "frag",
                ImportOptions.builder().bindings(java.util.Map.of("note", "value:from-the-admin")).build());
        JsonNode schema = plan.tools().get(0).inputSchema();

        assertThat(schema.path("properties").fieldNames()).toIterable().containsExactly("summary", "priority");
        assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactlyInAnyOrder("summary", "priority");
        assertThat(schema.has("dependentRequired")).isFalse();
    }

    @Test
    void argumentNames_operatorsBecomeWords_timeWordsForDatesAndTimes() {
        JsonNode string = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "string");
        JsonNode date = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("format", "date");

        assertThat(ArgumentNames.of("StartTime<", null)).isEqualTo("StartTime_before");
        assertThat(ArgumentNames.of("StartTime>=", null)).isEqualTo("StartTime_on_or_after");
        assertThat(ArgumentNames.of("Created<=", date)).isEqualTo("Created_on_or_before");
        assertThat(ArgumentNames.of("Count>", string)).isEqualTo("Count_gt");
        assertThat(ArgumentNames.of("Status!=", string)).isEqualTo("Status_not");
        assertThat(ArgumentNames.of("created date<", null)).isEqualTo("created_date_before");
        assertThat(ArgumentNames.of("<", null)).isEqualTo("operation");
        assertThat(ArgumentNames.of("filter[status]", null)).isEqualTo("filter_status");
        assertThat(ArgumentNames.of("limit", null)).isEqualTo("limit");
    }

    @Test
    void operatorNames_thatClashStayUnique() {
        ImportedTool tool = only("""
                openapi: 3.0.3
                info: {title: clash, version: "1"}
                servers: [{url: https://clash.invalid}]
                paths:
                  /jobs:
                    get:
                      operationId: listJobs
                      parameters:
                        - {name: "StartTime<", in: query, schema: {type: string}}
                        - {name: StartTime_before, in: query, schema: {type: string}}
                      responses: {'200': {description: ok}}
                """);

        assertThat(tool.inputSchema().path("properties").fieldNames()).toIterable()
                .containsExactly("StartTime_before", "StartTime_before_query");
        assertThat(tool.binding().params()).extracting(p -> p.name())
                .containsExactly("StartTime<", "StartTime_before");
    }
}
