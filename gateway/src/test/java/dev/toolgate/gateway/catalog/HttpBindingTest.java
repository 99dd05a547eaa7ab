package dev.toolgate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.error.FieldViolation;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpBindingTest {
    @Test
    void check_validBinding_hasNoViolations() {
        HttpBinding b = new HttpBinding("GET", "/items/{id}", List.of(new ParamBinding("id", ParamLocation.PATH, "id")));
        assertThat(b.check()).isEmpty();
    }

    @Test
    void check_unboundPathVariable_isReported() {
        assertThat(new HttpBinding("GET", "/items/{id}", List.of()).check())
                .extracting(FieldViolation::field).containsExactly("params");
    }

    @Test
    void check_bodyOnGet_isReported() {
        HttpBinding b = new HttpBinding("GET", "/x", List.of(new ParamBinding("a", ParamLocation.BODY, "a")));
        assertThat(b.check()).extracting(FieldViolation::field).containsExactly("params[0].location");
    }

    @Test
    void check_pathTraversalOrBadCharacters_isReported() {
        assertThat(new HttpBinding("GET", "/a/../b", List.of()).check()).extracting(FieldViolation::field).containsExactly("path");
        assertThat(new HttpBinding("GET", "/a/%2E%2e/b", List.of()).check()).extracting(FieldViolation::field).containsExactly("path");
        assertThat(new HttpBinding("GET", "/compare/{base}...{head}", List.of(
                new ParamBinding("base", ParamLocation.PATH, "base"), new ParamBinding("head", ParamLocation.PATH, "head")))
                .check()).isEmpty();
        assertThat(new HttpBinding("GET", "/a?beta=true", List.of()).check()).as("a fixed query").isEmpty();
        assertThat(new HttpBinding("GET", "/a?b=c#f", List.of()).check()).extracting(FieldViolation::field).containsExactly("path");
        assertThat(new HttpBinding("GET", "/a?b= c", List.of()).check()).extracting(FieldViolation::field).containsExactly("path");
        assertThat(new HttpBinding("GET", "/a|b\"c", List.of()).check()).extracting(FieldViolation::field).containsExactly("path");
        assertThat(new HttpBinding("GET", "/v1/items:search;x=1/%7Euser", List.of()).check()).isEmpty();
    }

    @Test
    void check_argumentBoundTwice_isReported() {
        HttpBinding b = new HttpBinding("POST", "/x", List.of(new ParamBinding("a", ParamLocation.QUERY, "a"),
                new ParamBinding("a", ParamLocation.HEADER, "X-A")));
        assertThat(b.check()).extracting(FieldViolation::message).anyMatch(m -> m.contains("bound twice"));
    }

    @Test
    void json_roundTrip_keepsEverything() {
        HttpBinding b = new HttpBinding("PATCH", "/items/{id}", List.of(new ParamBinding("id", ParamLocation.PATH, "id"),
                new ParamBinding("v", ParamLocation.HEADER, "X-Version")));
        assertThat(HttpBinding.fromJson(b.toJson())).isEqualTo(b);
    }

    @Test
    void json_roundTrip_keepsAPathValueThatAllowsReservedCharacters() {
        HttpBinding b = new HttpBinding("GET", "/contents/{path}", List.of(
                new ParamBinding("path", ParamLocation.PATH, "path").keepingReserved()));
        assertThat(HttpBinding.fromJson(b.toJson())).isEqualTo(b);
        assertThat(HttpBinding.fromJson(b.toJson()).params().get(0).allowReserved()).isTrue();
    }

    @Test
    void paramBinding_allowReservedOutsideThePath_isRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ParamBinding("q", ParamLocation.QUERY, "q")
                .keepingReserved()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'q'");
    }
}
