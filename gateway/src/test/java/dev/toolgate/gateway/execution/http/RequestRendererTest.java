package dev.toolgate.gateway.execution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.ParamLocation;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRendererTest {
    private static JsonNode json(String s) throws Exception {
        return JsonSupport.mapper().readTree(s);
    }

    @Test
    void render_unboundArgumentsOnPost_goToBody() throws Exception {
        var r = RequestRenderer.render(new HttpBinding("POST", "/cases", List.of()), json("{\"a\":1,\"b\":{\"c\":[true]}}"));
        assertThat(json(r.body())).isEqualTo(json("{\"a\":1,\"b\":{\"c\":[true]}}"));
        assertThat(r.pathAndQuery()).isEqualTo("/cases");
    }

    @Test
    void render_unboundArgumentsOnGet_goToQuery() throws Exception {
        var r = RequestRenderer.render(new HttpBinding("GET", "/s", List.of()), json("{\"q\":\"a b\",\"n\":1.50}"));
        assertThat(r.pathAndQuery()).isEqualTo("/s?q=a%20b&n=1.5");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void render_pathVariable_isPercentEncodedIncludingSlashesAndUnicode() throws Exception {
        var b = new HttpBinding("GET", "/u/{id}", List.of(new ParamBinding("id", ParamLocation.PATH, "id")));
        assertThat(RequestRenderer.render(b, json("{\"id\":\"ä/x y\"}")).pathAndQuery()).isEqualTo("/u/%C3%A4%2Fx%20y");
    }

    @Test
    void render_dotSegmentBetweenEncodedSlashes_isRefused() throws Exception {
        var b = new HttpBinding("GET", "/u/{id}", List.of(new ParamBinding("id", ParamLocation.PATH, "id")));
        for (String value : new String[] {"ä/../x", "../admin", "a\\..\\b", "x/."}) {
            assertThatThrownBy(() -> RequestRenderer.render(b, json("{\"id\":" + JsonSupport.mapper().valueToTree(value)
                    + "}"))).as(value).isInstanceOf(GatewayException.class).hasMessageContaining("cannot be placed");
        }
        assertThat(RequestRenderer.render(b, json("{\"id\":\"a..b/c\"}")).pathAndQuery()).isEqualTo("/u/a..b%2Fc");
    }

    @Test
    void render_renamedBodyAndQuery_useTheirNames() throws Exception {
        var b = new HttpBinding("PUT", "/x", List.of(new ParamBinding("caseId", ParamLocation.QUERY, "case-id"),
                new ParamBinding("text", ParamLocation.BODY, "body_text")));
        var r = RequestRenderer.render(b, json("{\"caseId\":\"7\",\"text\":\"hi\"}"));
        assertThat(r.pathAndQuery()).isEqualTo("/x?case-id=7");
        assertThat(json(r.body())).isEqualTo(json("{\"body_text\":\"hi\"}"));
    }

    @Test
    void render_nullQueryValue_isOmitted() throws Exception {
        var r = RequestRenderer.render(new HttpBinding("GET", "/s", List.of()), json("{\"q\":null}"));
        assertThat(r.pathAndQuery()).isEqualTo("/s");
    }

    @Test
    void render_missingOrEmptyPathVariable_isInvalidArgument() throws Exception {
        var b = new HttpBinding("GET", "/u/{id}", List.of(new ParamBinding("id", ParamLocation.PATH, "id")));
        assertThatThrownBy(() -> RequestRenderer.render(b, json("{}"))).isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).violations().get(0).field()).isEqualTo("/id"));
        assertThatThrownBy(() -> RequestRenderer.render(b, json("{\"id\":\"\"}"))).isInstanceOf(GatewayException.class);
    }

    @Test
    void render_dotSegmentPathValue_isRefused() throws Exception {
        var b = new HttpBinding("GET", "/u/{id}/orders", List.of(new ParamBinding("id", ParamLocation.PATH, "id")));
        for (String dots : new String[] {".", "..", "..."}) {
            assertThatThrownBy(() -> RequestRenderer.render(b, json("{\"id\":\"" + dots + "\"}")))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("cannot be placed");
        }
        assertThat(RequestRenderer.render(b, json("{\"id\":\"a.b\"}")).pathAndQuery()).isEqualTo("/u/a.b/orders");
    }

    @Test
    void render_headerBeyondLatin1_isRefused() throws Exception {
        var b = new HttpBinding("GET", "/x", List.of(new ParamBinding("h", ParamLocation.HEADER, "X-Note")));
        assertThatThrownBy(() -> RequestRenderer.render(b, json("{\"h\":\"it\u2019s\"}")))
                .isInstanceOf(GatewayException.class);
        assertThat(RequestRenderer.render(b, json("{\"h\":\"caf\u00e9\"}")).headers()).containsEntry("X-Note", "café");
    }

    @Test
    void render_pathWithFixedQuery_appendsParametersWithAmpersand() throws Exception {
        var b = new HttpBinding("GET", "/responses/{id}?beta=true", List.of(new ParamBinding("id", ParamLocation.PATH, "id")));
        var r = RequestRenderer.render(b, json("{\"id\":\"r 1\",\"limit\":5}"));
        assertThat(r.pathAndQuery()).isEqualTo("/responses/r%201?beta=true&limit=5");
        assertThat(r.withQuery(List.of("key=k"))).isEqualTo("/responses/r%201?beta=true&limit=5&key=k");
    }
}
