package dev.toolgate.gateway.execution.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Valid JSON passes through as it came; everything else is wrapped, and the result is always one JSON value. */
class ResultBodiesTest {
    private static String toJson(String contentType, String body) {
        return ResultBodies.toJson(contentType, body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static JsonNode parsed(String json) throws Exception {
        return JsonSupport.mapper().readTree(json);
    }

    @Test
    void toJson_validJson_passesThroughUnchanged() {
        String body = "{ \"ok\" : true, \"items\": [1, 2, {\"a\": null}] }";
        assertThat(toJson("application/json; charset=utf-8", body)).isEqualTo(body);
        assertThat(toJson("", "42")).isEqualTo("42");
        assertThat(toJson("application/problem+json", "\"text\"")).isEqualTo("\"text\"");
    }

    @Test
    void toJson_trailingContent_duplicateKeysOrBrokenJson_areWrapped() throws Exception {
        for (String body : new String[] {"{\"a\":1} {\"b\":2}", "{\"a\":1}]", "{\"a\":1,\"a\":2}", "{\"a\":", "[1,2"}) {
            String out = toJson("application/json", body);
            assertThat(parsed(out).path("text").asText()).as(body).isEqualTo(body);
            assertThat(parsed(out).path("content_type").asText()).isEqualTo("application/json");
        }
    }

    @Test
    void toJson_notJsonOrCut_isWrapped_emptyIsNull() throws Exception {
        assertThat(parsed(toJson("text/html", "{\"a\":1}")).path("text").asText()).isEqualTo("{\"a\":1}");
        String cut = ResultBodies.toJson("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), true);
        assertThat(parsed(cut).path("truncated").asBoolean()).isTrue();
        assertThat(ResultBodies.toJson("application/json", new byte[0], false)).isEqualTo("null");
    }
}
