package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.core.Identifiers;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperationNamesTest {
    @Test
    void fromOperationId_camelSlashAndDash_becomeSnakeCase() {
        assertThat(OperationNames.fromOperationId("createSupportCase")).isEqualTo("create_support_case");
        assertThat(OperationNames.fromOperationId("repos/get-content")).isEqualTo("repos_get_content");
        assertThat(OperationNames.fromOperationId("getHTTPServerURL2")).isEqualTo("get_http_server_url2");
        assertThat(OperationNames.fromOperationId("GetV1Customers")).isEqualTo("get_v1_customers");
        assertThat(OperationNames.fromOperationId("__weird..name__")).isEqualTo("weird_name");
        assertThat(OperationNames.fromOperationId("ünïcode")).isEqualTo("n_code");
    }

    @Test
    void fromMethodAndPath_variablesBecomeBy() {
        assertThat(OperationNames.fromMethodAndPath("GET", "/users/{id}")).isEqualTo("get_users_by_id");
        assertThat(OperationNames.fromMethodAndPath("POST", "/v1/orgs/{org}/members")).isEqualTo("post_v1_orgs_by_org_members");
    }

    @Test
    void fit_longName_getsStableHashSuffixWithinLimit() {
        String longId = "a".repeat(40) + "B".repeat(40);
        String fitted = OperationNames.fromOperationId(longId);
        assertThat(fitted).hasSizeLessThanOrEqualTo(Identifiers.MAX_NAME_LENGTH)
                .isEqualTo(OperationNames.fromOperationId(longId)).matches(Identifiers.NAME);
        assertThat(OperationNames.fromOperationId(longId + "x")).isNotEqualTo(fitted);
    }

    @Test
    void unique_takenName_getsNumberSuffix() {
        assertThat(OperationNames.unique("list", Set.of())).isEqualTo("list");
        assertThat(OperationNames.unique("list", Set.of("list", "list_2"))).isEqualTo("list_3");
        String max = "a".repeat(62) + "b";
        assertThat(OperationNames.unique(max, Set.of(max))).hasSize(63).endsWith("_2").matches(Identifiers.NAME);
    }
}
