package dev.toolgate.gateway.execution.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.ParamLocation;
import dev.toolgate.gateway.catalog.ParamStyle;
import dev.toolgate.gateway.core.JsonSupport;
import org.junit.jupiter.api.Test;

/** The style examples of the OpenAPI specification (RFC 6570 expansions), for color = ... */
class ParamSerializerTest {
    private static final JsonNode BLUE = json("\"blue\"");
    private static final JsonNode ARRAY = json("[\"blue\",\"black\",\"brown\"]");
    private static final JsonNode OBJECT = json("{\"R\":100,\"G\":200,\"B\":150}");

    private static JsonNode json(String text) {
        try {
            return JsonSupport.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ParamBinding p(ParamLocation in, ParamStyle style, boolean explode) {
        return new ParamBinding("color", in, "color", style, explode, false);
    }

    @Test
    void path_simpleLabelMatrix_matchTheSpecification() {
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.SIMPLE, false), ARRAY)).isEqualTo("blue,black,brown");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.SIMPLE, false), OBJECT)).isEqualTo("R,100,G,200,B,150");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.SIMPLE, true), OBJECT)).isEqualTo("R=100,G=200,B=150");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.LABEL, false), BLUE)).isEqualTo(".blue");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.LABEL, false), ARRAY)).isEqualTo(".blue,black,brown");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.LABEL, true), ARRAY)).isEqualTo(".blue.black.brown");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.LABEL, true), OBJECT)).isEqualTo(".R=100.G=200.B=150");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.MATRIX, false), BLUE)).isEqualTo(";color=blue");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.MATRIX, false), ARRAY))
                .isEqualTo(";color=blue,black,brown");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.MATRIX, true), ARRAY))
                .isEqualTo(";color=blue;color=black;color=brown");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.MATRIX, false), OBJECT))
                .isEqualTo(";color=R,100,G,200,B,150");
        assertThat(ParamSerializer.path(p(ParamLocation.PATH, ParamStyle.MATRIX, true), OBJECT)).isEqualTo(";R=100;G=200;B=150");
    }

    @Test
    void query_formDelimitedDeepObject_matchTheSpecification() {
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.FORM, true), BLUE)).containsExactly("color=blue");
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.FORM, false), ARRAY))
                .containsExactly("color=blue,black,brown");
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.FORM, true), ARRAY))
                .containsExactly("color=blue", "color=black", "color=brown");
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.FORM, false), OBJECT))
                .containsExactly("color=R,100,G,200,B,150");
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.FORM, true), OBJECT))
                .containsExactly("R=100", "G=200", "B=150");
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.SPACE_DELIMITED, false), ARRAY))
                .containsExactly("color=blue%20black%20brown");
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.PIPE_DELIMITED, false), ARRAY))
                .containsExactly("color=blue%7Cblack%7Cbrown");
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.DEEP_OBJECT, true), OBJECT))
                .containsExactly("color%5BR%5D=100", "color%5BG%5D=200", "color%5BB%5D=150");
    }

    @Test
    void values_reservedCharactersAndJsonContent_areEncoded() {
        assertThat(ParamSerializer.query(p(ParamLocation.QUERY, ParamStyle.FORM, true), json("\"a&b=c,d é\"")))
                .containsExactly("color=a%26b%3Dc%2Cd%20%C3%A9");
        ParamBinding asJson = new ParamBinding("f", ParamLocation.QUERY, "f", ParamStyle.FORM, true, true);
        assertThat(ParamSerializer.query(asJson, json("{\"a\":[1]}"))).containsExactly("f=%7B%22a%22%3A%5B1%5D%7D");
        assertThat(ParamSerializer.header(p(ParamLocation.HEADER, ParamStyle.SIMPLE, false), ARRAY))
                .isEqualTo("blue,black,brown");
        assertThat(ParamSerializer.cookie(p(ParamLocation.COOKIE, ParamStyle.FORM, true), json("\"a b;c\"")))
                .isEqualTo("a%20b%3Bc");
    }
}
