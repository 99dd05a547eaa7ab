package dev.toolgate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaFormTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type":"object","required":["customer","priority"],"properties":{
              "priority":{"type":"string","enum":["low","high"]},
              "count":{"type":"integer","examples":[3]},
              "ratio":{"type":"number"},
              "urgent":{"type":"boolean","default":true},
              "tags":{"type":"array","items":{"type":"string"}},
              "a/b":{"type":"string"},
              "customer":{"type":"object","required":["name"],"properties":{
                "name":{"type":"string","description":"<b>full</b> name"},
                "address":{"type":"object","properties":{"city":{"type":"string"}}}}}}}""";

    private static JsonNode schema() throws Exception {
        return JSON.readTree(SCHEMA);
    }

    @Test
    void render_enumsRequiredNestedExamples_asInputsNamedByPointer() throws Exception {
        String html = SchemaForm.render(schema(), Map.of(), Map.of());
        assertThat(html).contains("<select id=").contains("name=\"/priority\" required")
                .contains("<option value=\"high\">high</option>")
                .contains("name=\"/count\" value=\"3\"") // examples pre-fill
                .contains("name=\"/urgent\" checked") // default pre-fills a checkbox
                .contains("<fieldset><legend>customer *</legend>").contains("name=\"/customer/address/city\"")
                .contains("name=\"/a~1b\"").contains("<textarea").contains("name=\"/tags\"")
                .contains("&lt;b&gt;full&lt;/b&gt; name").doesNotContain("<b>full</b>");
    }

    @Test
    void render_violationsShownByField_andValuesKept() throws Exception {
        String html = SchemaForm.render(schema(), Map.of("/customer/name", "<script>x</script>"),
                Map.of("/priority", "/priority: required property 'priority' is missing", "", "whole thing"));
        assertThat(html).contains("data-field=\"/priority\">/priority: required property &#39;priority&#39; is missing")
                .contains("aria-invalid=\"true\"").contains("value=\"&lt;script&gt;x&lt;/script&gt;\"")
                .contains("whole thing").doesNotContain("<script>");
    }

    @Test
    void read_typesValuesBySchema_leavesEmptyFieldsOut() throws Exception {
        JsonNode args = SchemaForm.read(schema(), Map.of("/priority", "high", "/count", "12", "/ratio", "0.5",
                "/urgent", "true", "/tags", "[\"a\",\"b\"]", "/customer/name", "Ada", "/customer/address/city", "",
                "/a~1b", "slash", "csrf", "ignored"));
        assertThat(args.toString()).isEqualTo("{\"priority\":\"high\",\"count\":12,\"ratio\":0.5,\"urgent\":true,"
                + "\"tags\":[\"a\",\"b\"],\"a/b\":\"slash\",\"customer\":{\"name\":\"Ada\"}}");
    }

    @Test
    void read_unparsableNumberOrJson_sentAsTextForTheValidatorToReport() throws Exception {
        JsonNode args = SchemaForm.read(schema(), Map.of("/count", "twelve", "/tags", "[oops"));
        assertThat(args.get("count").isTextual()).isTrue();
        assertThat(args.get("tags").asText()).isEqualTo("[oops");
        assertThat(args.has("customer")).isFalse(); // an empty object is left out: "required" reports it
    }
}
