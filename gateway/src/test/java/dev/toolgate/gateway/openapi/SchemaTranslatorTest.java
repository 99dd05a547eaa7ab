package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import org.junit.jupiter.api.Test;

class SchemaTranslatorTest {
    private static JsonNode json(String text) throws Exception {
        return JsonSupport.mapper().readTree(text);
    }

    private static SchemaTranslator translator(String document, boolean v31, SchemaTranslator.Direction d) throws Exception {
        return new SchemaTranslator(new RefResolver(json(document)), v31, d, 10_000);
    }

    private static final String COMPONENTS = """
            {"components":{"schemas":{
              "Node":{"type":"object","properties":{"value":{"type":"string"},"next":{"$ref":"#/components/schemas/Node"}}},
              "Id":{"type":"string","readOnly":true},
              "Money":{"type":"number","minimum":0,"exclusiveMinimum":true,"example":1.5,"nullable":true},
              "Pet":{"oneOf":[{"$ref":"#/components/schemas/Cat"}],"discriminator":{"propertyName":"kind"},"x-internal":1},
              "Cat":{"type":"object","properties":{"kind":{"type":"string","enum":["cat"],"nullable":true}}}}}}""";

    @Test
    void recursiveComponent_isKeptAsDefsAndRef() throws Exception {
        SchemaTranslator t = translator(COMPONENTS, false, SchemaTranslator.Direction.REQUEST);
        JsonNode out = t.translate(json("{\"$ref\":\"#/components/schemas/Node\"}"));

        assertThat(out.at("/properties/next/$ref").asText()).isEqualTo("#/$defs/Node");
        assertThat(t.defs().at("/Node/properties/next/$ref").asText()).isEqualTo("#/$defs/Node");
    }

    @Test
    void openApi30Keywords_becomeTheir2020Forms() throws Exception {
        SchemaTranslator t = translator(COMPONENTS, false, SchemaTranslator.Direction.REQUEST);

        assertThat(t.translate(json("{\"$ref\":\"#/components/schemas/Money\"}")))
                .isEqualTo(json("{\"type\":[\"number\",\"null\"],\"exclusiveMinimum\":0,\"examples\":[1.5]}"));
        JsonNode pet = t.translate(json("{\"$ref\":\"#/components/schemas/Pet\"}"));
        assertThat(pet.has("discriminator")).isFalse();
        assertThat(pet.has("x-internal")).isFalse();
        assertThat(pet.at("/oneOf/0/properties/kind/enum")).hasSize(2);
        assertThat(pet.at("/oneOf/0/properties/kind/enum/1").isNull()).isTrue();
    }

    @Test
    void readOnlyProperty_isDroppedFromRequestsOnly() throws Exception {
        String schema = """
                {"type":"object","required":["id","name"],
                 "properties":{"id":{"$ref":"#/components/schemas/Id"},"name":{"type":"string"}}}""";
        JsonNode request = translator(COMPONENTS, false, SchemaTranslator.Direction.REQUEST).translate(json(schema));
        JsonNode response = translator(COMPONENTS, false, SchemaTranslator.Direction.RESPONSE).translate(json(schema));

        assertThat(request.path("properties").has("id")).isFalse();
        assertThat(request.path("required")).extracting(JsonNode::asText).containsExactly("name");
        assertThat(response.path("properties").has("id")).isTrue();
    }

    @Test
    void openApi31RefWithSiblings_keepsBoth() throws Exception {
        JsonNode out = translator(COMPONENTS, true, SchemaTranslator.Direction.REQUEST)
                .translate(json("{\"$ref\":\"#/components/schemas/Id\",\"description\":\"the id\"}"));
        assertThat(out.at("/allOf/0/type").asText()).isEqualTo("string");
        assertThat(out.at("/allOf/1/description").asText()).isEqualTo("the id");
    }

    @Test
    void externalOrDanglingRef_isAnImportProblem() throws Exception {
        SchemaTranslator t = translator(COMPONENTS, false, SchemaTranslator.Direction.REQUEST);
        assertThatThrownBy(() -> t.translate(json("{\"$ref\":\"https://example.com/s.json\"}")))
                .isInstanceOf(ImportProblem.class).hasMessageContaining("not fetched");
        assertThatThrownBy(() -> t.translate(json("{\"$ref\":\"#/components/schemas/Nope\"}")))
                .isInstanceOf(ImportProblem.class).hasMessageContaining("points at nothing");
    }
}
