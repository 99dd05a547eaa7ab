package dev.toolgate.gateway.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.core.JsonSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each provider transform does to the JSON Schema constructs it cannot take, and that it says so. */
class ExportTransformsTest {
    private static final ToolAnnotations NONE = new ToolAnnotations(false, false, false, false);

    private static JsonNode json(String text) throws Exception {
        return JsonSupport.mapper().readTree(text);
    }

    private static ToolExporter.Export export(String schema, ToolFormat format, boolean trim) throws Exception {
        return ToolExporter.export(List.of(new ExportInput("shop__order", "shop.order", "Order things",
                json(schema), NONE)), format, trim);
    }

    private static JsonNode first(ToolExporter.Export e) throws Exception {
        return json(e.json()).get(0);
    }

    private static final String MIXED = """
            {"type":"object","properties":{
              "id":{"type":"string","format":"uuid"},
              "note":{"type":["string","null"],"maxLength":200},
              "kind":{"oneOf":[{"type":"string","const":"gift"},{"type":"integer","exclusiveMinimum":0}]},
              "size":{"type":"integer","enum":[1,2,3]},
              "address":{"$ref":"#/$defs/address"},
              "labels":{"type":"object","additionalProperties":{"type":"string"}}},
             "required":["id","address"],
             "$defs":{"address":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    @Test
    void gemini_rewritesWhatItCan_dropsWhatItCannot_andNotesEach() throws Exception {
        ToolExporter.Export e = export(MIXED, ToolFormat.GEMINI, false);
        JsonNode p = first(e).get("parameters");

        assertThat(ProviderRules.gemini(first(e))).isEmpty();
        assertThat(p.get("type").asText()).isEqualTo("OBJECT");
        assertThat(p.at("/properties/id")).isEqualTo(json("{\"type\":\"STRING\"}"));
        assertThat(p.at("/properties/note")).isEqualTo(json("{\"type\":\"STRING\",\"nullable\":true,\"maxLength\":200}"));
        assertThat(p.at("/properties/kind/anyOf/0")).isEqualTo(json("{\"type\":\"STRING\",\"enum\":[\"gift\"]}"));
        assertThat(p.at("/properties/kind/anyOf/1")).isEqualTo(json("{\"type\":\"INTEGER\",\"minimum\":0}"));
        assertThat(p.at("/properties/size/description").asText()).isEqualTo("Allowed values: 1, 2, 3.");
        assertThat(p.at("/properties/size").has("enum")).isFalse();
        assertThat(p.at("/properties/address")).isEqualTo(json(
                "{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\"}},\"required\":[\"city\"]}"));
        assertThat(p.at("/properties").has("labels")).isFalse();
        assertThat(p.get("required")).isEqualTo(json("[\"id\",\"address\"]"));
        assertThat(e.notes()).extracting(ExportNote::toString).containsExactlyInAnyOrder(
                "shop__order: dropped: \"format\" (uuid) at /properties/id/format: Gemini accepts format only as"
                        + " enum/date-time on STRING, float/double on NUMBER, int32/int64 on INTEGER",
                "shop__order: rewritten: \"oneOf\" at /properties/kind: Gemini has anyOf only (the gateway still checks"
                        + " that exactly one matches)",
                "shop__order: rewritten: \"const\" at /properties/kind/anyOf/0: Gemini has no const; written as a"
                        + " one-value enum",
                "shop__order: rewritten: \"exclusiveMinimum\" at /properties/kind/anyOf/1/exclusiveMinimum: Gemini has"
                        + " inclusive bounds only; written as minimum (the gateway still checks the exclusive bound)",
                "shop__order: rewritten: \"enum\" of INTEGER values at /properties/size/enum: Gemini takes enums of"
                        + " strings only; the values are listed in the description",
                "shop__order: dropped: \"additionalProperties\" at /properties/labels/additionalProperties: Gemini"
                        + " objects have named properties only",
                "shop__order: dropped: free-form object at /properties/labels: Gemini refuses an OBJECT without"
                        + " properties; the property is left out");
    }

    @Test
    void gemini_recursiveReference_stopsAsANotedFreeFormValue() throws Exception {
        ToolExporter.Export e = export("""
                {"type":"object","properties":{"tree":{"$ref":"#/$defs/node"}},
                 "$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},
                   "children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}}}""", ToolFormat.GEMINI, false);

        assertThat(ProviderRules.gemini(first(e))).isEmpty();
        assertThat(first(e).at("/parameters/properties/tree/properties/name/type").asText()).isEqualTo("STRING");
        assertThat(first(e).at("/parameters/properties/tree/properties").has("children")).isFalse();
        assertThat(e.notes()).extracting(ExportNote::message).anySatisfy(m -> assertThat(m)
                .startsWith("recursive \"$ref\" (#/$defs/node) at /properties/tree/properties/children/items"));
    }

    @Test
    void gemini_toolWithoutParameters_leavesParametersOut() throws Exception {
        ToolExporter.Export e = export("{\"type\":\"object\",\"properties\":{}}", ToolFormat.GEMINI, false);

        assertThat(first(e).has("parameters")).isFalse();
        assertThat(ProviderRules.gemini(first(e))).isEmpty();
        assertThat(e.notes()).isEmpty();
    }

    @Test
    void openAiStrict_everyPropertyRequired_isStrictWithClosedObjects_andDroppedKeywordsNoted() throws Exception {
        ToolExporter.Export e = export("""
                {"type":"object","properties":{
                  "sku":{"type":"string","minLength":3,"format":"uuid"},
                  "ship":{"type":"object","properties":{"city":{"type":"string","format":"city"}},"required":["city"]}},
                 "required":["sku","ship"]}""", ToolFormat.OPENAI_STRICT, false);
        JsonNode f = first(e).get("function");

        assertThat(f.get("strict").asBoolean()).isTrue();
        assertThat(ProviderRules.openAiStrict(first(e))).isEmpty();
        assertThat(f.at("/parameters/additionalProperties").asBoolean(true)).isFalse();
        assertThat(f.at("/parameters/properties/ship/additionalProperties").asBoolean(true)).isFalse();
        assertThat(f.at("/parameters/properties/sku")).isEqualTo(json("{\"type\":\"string\",\"format\":\"uuid\"}"));
        assertThat(e.notes()).extracting(ExportNote::toString).containsExactlyInAnyOrder(
                "shop__order: dropped: \"minLength\" at /properties/sku/minLength: not supported in strict mode",
                "shop__order: dropped: \"format\" (city) at /properties/ship/properties/city/format: strict mode accepts"
                        + " the formats date, date-time, duration, email, hostname, ipv4, ipv6, time, uuid");
    }

    @Test
    void openAiStrict_optionalPropertiesOrAMap_isNotStrict_withTheReasons_andTheSchemaUnchanged() throws Exception {
        String schema = """
                {"type":"object","properties":{"q":{"type":"string"},"page":{"type":"integer"},
                  "meta":{"type":"object","additionalProperties":{"type":"string"}}},"required":["q","meta"]}""";
        ToolExporter.Export e = export(schema, ToolFormat.OPENAI_STRICT, false);
        JsonNode f = first(e).get("function");

        assertThat(f.get("strict").asBoolean(true)).isFalse();
        assertThat(f.get("parameters")).isEqualTo(json(schema));
        assertThat(ProviderRules.openAiStrict(first(e))).isEmpty();
        assertThat(e.notes()).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(ExportNote.Kind.NOT_STRICT);
            assertThat(n.message()).contains("a free-form map at /properties/meta")
                    .contains("optional properties /properties/page (strict mode requires every property in required)");
        });
    }

    @Test
    void anthropicDeferred_marksEveryDefinitionForLoadingOnDemand() throws Exception {
        ToolExporter.Export e = export(MIXED, ToolFormat.ANTHROPIC_DEFERRED, false);

        assertThat(first(e).get("defer_loading").asBoolean()).isTrue();
        assertThat(first(e).get("input_schema")).isEqualTo(json(MIXED));
        assertThat(ProviderRules.anthropicDeferred(first(e))).isEmpty();
        assertThat(e.notes()).isEmpty();
    }

    @Test
    void rootWithoutType_getsTypeObject_andANote() throws Exception {
        ToolExporter.Export e = export("{\"properties\":{\"a\":{\"type\":\"string\"}}}", ToolFormat.ANTHROPIC, false);

        assertThat(first(e).at("/input_schema/type").asText()).isEqualTo("object");
        assertThat(ProviderRules.anthropic(first(e))).isEmpty();
        assertThat(e.notes()).extracting(ExportNote::kind).containsExactly(ExportNote.Kind.REWRITTEN);
    }

    @Test
    void trim_schemaOver100KB_fitsAndKeepsTheTopLevelParameters_onlyWhenAsked() throws Exception {
        ObjectNode deep = JsonSupport.mapper().createObjectNode().put("type", "object");
        ObjectNode props = deep.putObject("properties");
        for (int i = 0; i < 60; i++) {
            ObjectNode p = props.putObject("field" + i).put("type", "object").put("description", "Field " + i);
            ObjectNode inner = p.putObject("properties");
            for (int j = 0; j < 40; j++) {
                inner.putObject("part" + j).put("type", "string").put("description", "x".repeat(60));
            }
        }
        deep.putArray("required").add("field0");
        String schema = deep.toString();
        assertThat(schema.length()).isGreaterThan(SchemaTrimmer.MAX_SCHEMA_BYTES);

        ToolExporter.Export untrimmed = export(schema, ToolFormat.OPENAI, false);
        ToolExporter.Export trimmed = export(schema, ToolFormat.OPENAI, true);

        assertThat(first(untrimmed).at("/function/parameters")).isEqualTo(deep);
        JsonNode p = first(trimmed).at("/function/parameters");
        assertThat(SchemaTrimmer.bytes(p)).isLessThanOrEqualTo(SchemaTrimmer.MAX_SCHEMA_BYTES);
        assertThat(p.get("properties").size()).isEqualTo(60);
        assertThat(p.at("/properties/field7/description").asText()).isEqualTo("Field 7");
        assertThat(p.at("/properties/field7/properties/part3")).isEqualTo(json("{\"type\":\"string\"}"));
        assertThat(p.get("required")).isEqualTo(deep.get("required"));
        assertThat(trimmed.notes()).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(ExportNote.Kind.TRIMMED);
            assertThat(n.message()).contains("trimmed from ").contains("descriptions, titles, examples and defaults");
        });
    }

    @Test
    void aRootThatIsNoObjectSchema_isRefusedAndNotStrict_andAnAnchorRefIsNotedAsUnresolved() throws Exception {
        ToolExporter.Export strict = export("true", ToolFormat.OPENAI_STRICT, false);
        ToolExporter.Export gemini = export("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#pet\"},"
                + "\"b\":{\"type\":\"string\"}}}", ToolFormat.GEMINI, false);

        assertThat(first(strict).at("/function/strict").asBoolean(true)).isFalse();
        assertThat(strict.notes()).extracting(ExportNote::kind)
                .containsExactly(ExportNote.Kind.REFUSED, ExportNote.Kind.NOT_STRICT);
        assertThat(ProviderRules.gemini(first(gemini))).isEmpty();
        assertThat(first(gemini).at("/parameters/properties").has("a")).isFalse();
        assertThat(gemini.notes()).extracting(ExportNote::message).anySatisfy(m -> assertThat(m)
                .startsWith("\"$ref\" (#pet) at /properties/a: the reference does not resolve"));
    }

    @Test
    void providerRules_refuseWhatTheProvidersRefuse() throws Exception {
        assertThat(ProviderRules.openAiStrict(json("""
                {"type":"function","function":{"name":"a","description":"","strict":true,
                 "parameters":{"type":"object","properties":{"x":{"type":"string","minLength":1}}}}}""")))
                .containsExactlyInAnyOrder("/: additionalProperties must be false", "/properties/x: must be required",
                        "/properties/x: keyword \"minLength\" is not supported in strict mode");
        assertThat(ProviderRules.gemini(json("""
                {"name":"1tool","parameters":{"type":"OBJECT","properties":{"m":{"type":"object"},
                 "l":{"type":"ARRAY"},"e":{"type":"INTEGER","enum":[1]},"r":{"$ref":"#/x"}}}}""")))
                .hasSize(7);
        assertThat(ProviderRules.anthropic(json("{\"name\":\"a.b\",\"input_schema\":{\"type\":\"string\"}}")))
                .hasSize(3);
    }
}
