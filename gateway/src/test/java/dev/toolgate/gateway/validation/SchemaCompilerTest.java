package dev.toolgate.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Schema registration (issue 24): each schema is checked against the dialect its {@code $schema}
 * declares, each problem is told once at its place, and references that lead nowhere are an
 * admin's mistake told plainly, never an error in the log.
 */
class SchemaCompilerTest {
    private static final SchemaCompiler COMPILER = new SchemaCompiler();

    private static JsonNode json(String text) {
        try {
            return JsonSupport.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<FieldViolation> refused(String schema) {
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> COMPILER.compile("input_schema_json", json(schema)));
        assertThat(e).as("refused: " + schema).isNotNull();
        assertThat(e.violations()).allSatisfy(v -> assertThat(v.field()).isEqualTo("input_schema_json"));
        return e.violations();
    }

    private static List<String> messages(List<FieldViolation> violations) {
        return violations.stream().map(FieldViolation::message).toList();
    }

    static final String DRAFT_07_TUPLE = """
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
             "properties":{"pair":{"type":"array","items":[{"type":"string"},{"type":"integer"}],
                                   "additionalItems":false},
                           "name":{"$id":"#name","type":"string"},
                           "alias":{"$ref":"#name"}}}""";

    @Test
    void draft07Schema_tupleItemsAndPlainNameId_compileAndValidateAsDraft07() {
        CompiledSchema schema = COMPILER.compile("input_schema_json", json(DRAFT_07_TUPLE));

        assertThat(schema.validate(json("{\"pair\":[\"a\",1],\"name\":\"n\",\"alias\":\"m\"}"))).isEmpty();
        assertThat(schema.validate(json("{\"pair\":[\"a\",1,true]}")))
                .extracting(FieldViolation::field).containsExactly("/pair/2");
        assertThat(schema.validate(json("{\"alias\":5}"))).extracting(FieldViolation::field).containsExactly("/alias");
    }

    @Test
    void draft04Schema_booleanExclusiveMinimumAndId_compileAndValidateAsDraft04() {
        CompiledSchema schema = COMPILER.compile("input_schema_json", json("""
                {"$schema":"http://json-schema.org/draft-04/schema#","id":"http://example.com/s.json",
                 "type":"object","properties":{"n":{"type":"number","minimum":1,"exclusiveMinimum":true}}}"""));

        assertThat(schema.validate(json("{\"n\":1.5}"))).isEmpty();
        assertThat(schema.validate(json("{\"n\":1}"))).extracting(FieldViolation::field).containsExactly("/n");
    }

    @Test
    void draft06And201909Schemas_andSchemaUriSpelledWithoutTheHash_compile() {
        COMPILER.compile("s", json("""
                {"$schema":"http://json-schema.org/draft-06/schema#","type":"object",
                 "properties":{"n":{"type":"number","exclusiveMinimum":1}}}"""));
        COMPILER.compile("s", json("""
                {"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object",
                 "properties":{"t":{"type":"array","items":[{"type":"string"}],"additionalItems":false}}}"""));
        CompiledSchema noHash = COMPILER.compile("s", json("""
                {"$schema":"http://json-schema.org/draft-07/schema","type":"object",
                 "properties":{"t":{"type":"array","items":[{"type":"string"}],"additionalItems":false}}}"""));

        assertThat(noHash.validate(json("{\"t\":[\"a\",\"b\"]}"))).extracting(FieldViolation::field)
                .containsExactly("/t/1");
    }

    @Test
    void draft2020Schema_withDraft07TupleItems_isRefusedOnceAtTheKeyword() {
        List<FieldViolation> problems = refused("""
                {"type":"object","properties":{"t":{"type":"array","items":[{"type":"string"}]}}}""");

        assertThat(messages(problems)).singleElement().asString()
                .startsWith("input_schema_json/properties/t/items: ");
    }

    @Test
    void unknownSchemaDialect_isRefusedSayingSoWithoutTalkingAboutRef() {
        for (String dialect : List.of("https://example.com/my-dialect", "http://json-schema.org/schema#",
                "https://json-schema.org/draft/2020-12/schema#/$defs/x")) {
            List<FieldViolation> problems = refused("{\"$schema\":\"" + dialect + "\",\"type\":\"object\"}");

            assertThat(messages(problems)).as(dialect).singleElement().asString()
                    .startsWith("input_schema_json/$schema: $schema '" + dialect + "' is not a JSON Schema dialect")
                    .contains("draft-07").doesNotContain("$ref");
        }
        assertThat(messages(refused("{\"$schema\":7,\"type\":\"object\"}"))).singleElement().asString()
                .contains("$schema of type number");
    }

    @Test
    void referenceToNothingInTheSchema_isRefusedAtTheReference() {
        List<FieldViolation> problems = refused("""
                {"type":"object","$defs":{"x":{"type":"string"}},
                 "properties":{"a":{"$ref":"#/$defs/x"},"b":{"$ref":"#/$defs/nope"}}}""");

        assertThat(messages(problems)).singleElement().asString()
                .isEqualTo("input_schema_json/properties/b/$ref: '#/$defs/nope' points at nothing in this schema;"
                        + " refer to a subschema of it, e.g. #/$defs/Name");
    }

    @Test
    void badReferences_areInvalidArgumentsWithoutAnErrorLogOrStackTrace() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            assertThat(messages(refused(withRef("https://json-schema.org/draft/2020-12/nope")))).singleElement()
                    .asString().contains("'https://json-schema.org/draft/2020-12/nope' is outside this schema");
            assertThat(messages(refused(withRef("other.json#/Pet")))).singleElement().asString()
                    .startsWith("input_schema_json/properties/a/$ref: 'other.json' is outside this schema");
            assertThat(messages(refused(withRef("#/$defs/%ZZ")))).singleElement().asString()
                    .startsWith("input_schema_json/properties/a/$ref: ").containsPattern("(?i)URI.reference");
            assertThat(messages(refused(withRef("#nowhere")))).singleElement().asString()
                    .contains("'#nowhere' points at nothing");
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        assertThat(logs.list).noneMatch(e -> e.getThrowableProxy() != null);
    }

    @Test
    void referenceToABundledMetaSchema_isAllowed() {
        CompiledSchema schema = COMPILER.compile("s", json(withRef("https://json-schema.org/draft/2020-12/schema")));

        assertThat(schema.validate(json("{\"a\":{\"type\":\"string\"}}"))).isEmpty();
        assertThat(schema.validate(json("{\"a\":{\"type\":7}}"))).isNotEmpty();
    }

    private static String withRef(String ref) {
        return "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":" + JsonSupport.mapper().valueToTree(ref) + "}}}";
    }

    @Test
    void violationPointers_areRfc6901_withControlCharactersAsTheyAre() {
        CompiledSchema schema = COMPILER.compile("s", json("""
                {"type":"object","additionalProperties":{"type":"object","additionalProperties":{"type":"string"}}}"""));

        List<FieldViolation> violations = schema.validate(json("""
                {"o":{"t\\tu":1,"c\\u0001d":2,"x/y~z":3,"q\\"\\\\":4}}"""));

        assertThat(violations).extracting(FieldViolation::field)
                .containsExactly("/o/t\tu", "/o/c\u0001d", "/o/x~1y~0z", "/o/q\"\\");
        assertThat(violations).allSatisfy(v -> assertThat(v.message()).startsWith(v.field() + ": "));
    }

    @Test
    void additionalPropertiesFalseAndItemsFalse_pointAtTheOffendingMember() {
        CompiledSchema schema = COMPILER.compile("s", json("""
                {"type":"object","additionalProperties":false,
                 "properties":{"o":{"type":"object","properties":{"a":{}},"additionalProperties":false},
                               "t":{"type":"array","prefixItems":[{"type":"string"}],"items":false}}}"""));

        List<FieldViolation> violations = schema.validate(json("""
                {"o":{"a":1,"x/y":2},"t":["s",1,2],"extra":true}"""));

        assertThat(violations).extracting(FieldViolation::field)
                .containsExactlyInAnyOrder("/o/x~1y", "/t/1", "/t/2", "/extra");
        assertThat(violations).filteredOn(v -> v.field().equals("/extra")).singleElement()
                .extracting(FieldViolation::message).asString().contains("no property 'extra'");
    }

    @Test
    void sameViolationFoundTwice_isReportedOnce() {
        CompiledSchema schema = COMPILER.compile("s", json("""
                {"type":"object","properties":{"n":{"allOf":[{"minimum":5},{"minimum":5}],"minimum":5}}}"""));

        assertThat(schema.validate(json("{\"n\":1}"))).singleElement()
                .extracting(FieldViolation::field).isEqualTo("/n");
    }
}
