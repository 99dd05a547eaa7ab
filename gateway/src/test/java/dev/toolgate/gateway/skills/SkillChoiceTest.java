package dev.toolgate.gateway.skills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationSource;
import dev.toolgate.gateway.catalog.McpBinding;
import dev.toolgate.gateway.catalog.StoredKind;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.CredentialScope;
import dev.toolgate.gateway.validation.SchemaCompiler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tool entries and the choice of a call's skill, without a gateway. */
class SkillChoiceTest {
    private static final ToolDefinition DESK_LOOKUP = tool("desk", "lookup");
    private static final ToolDefinition CRM_SEARCH = tool("crm", "search");
    private static final Skill SALES = skill("sales", Map.of("desk/desk_token", "sales_token"), "desk");
    private static final Skill SEARCH = skill("search", Map.of(), "*.search", "desk.look?p");

    @Test
    void parse_integrationNameOrGlob_othersRefusedWithTheEntryNamed() {
        assertThat(ToolPattern.parse("desk").isIntegration()).isTrue();
        assertThat(ToolPattern.parse("desk.get_*").isIntegration()).isFalse();
        assertThat(ToolPattern.parse("*").matches(CRM_SEARCH)).isTrue();
        for (String bad : List.of("", "Desk", "desk..x", "desk.[a]", "desk.(x)", "a b", "x".repeat(201))) {
            assertThatThrownBy(() -> ToolPattern.parse(bad)).isInstanceOf(GatewayException.class)
                    .hasMessageContaining("is neither an integration name");
        }
    }

    @Test
    void matches_integrationNameMatchesAllItsTools_globMatchesQualifiedNames() {
        assertThat(ToolPattern.parse("desk").matches(DESK_LOOKUP)).isTrue();
        assertThat(ToolPattern.parse("desk").matches(CRM_SEARCH)).isFalse();
        assertThat(ToolPattern.parse("desk.look?p").matches(DESK_LOOKUP)).isTrue();
        assertThat(ToolPattern.parse("*.search").matches(CRM_SEARCH)).isTrue();
        assertThat(ToolPattern.parse("*.search").matches(DESK_LOOKUP)).isFalse();
    }

    @Test
    void choose_tenantWideKey_usesTheTenantsSecretsByTheirSlotNames() {
        CredentialScope scope = SkillChoice.choose(KeySkills.TENANT_WIDE, "", DESK_LOOKUP);

        assertThat(scope).isEqualTo(CredentialScope.TENANT);
        assertThat(scope.secretFor("desk", "desk_token")).contains("desk_token");
    }

    @Test
    void choose_theOneSkillIncludingTheTool_usesOnlyItsAttachedSecrets() {
        CredentialScope scope = SkillChoice.choose(new KeySkills(List.of(SALES, SEARCH)), "", CRM_SEARCH);

        assertThat(scope.skill()).isEqualTo("search");
        assertThat(scope.secretFor("crm", "crm_token")).isEmpty(); // nothing attached: no credential, not the tenant's
        assertThat(SkillChoice.choose(new KeySkills(List.of(SALES)), "", DESK_LOOKUP).secretFor("desk", "desk_token"))
                .contains("sales_token");
    }

    @Test
    void choose_severalSkillsIncludeTheTool_ambiguousUnlessOneIsNamed() {
        KeySkills both = new KeySkills(List.of(SALES, SEARCH));

        assertThatThrownBy(() -> SkillChoice.choose(both, "", DESK_LOOKUP)).isInstanceOf(GatewayException.class)
                .hasFieldOrPropertyWithValue("reason", "SKILL_AMBIGUOUS").hasMessageContaining("[sales, search]");
        assertThat(SkillChoice.choose(both, "sales", DESK_LOOKUP).skill()).isEqualTo("sales");
        assertThatThrownBy(() -> SkillChoice.choose(new KeySkills(List.of(SALES, SEARCH)), "sales", CRM_SEARCH))
                .hasFieldOrPropertyWithValue("reason", "TOOL_NOT_IN_SKILL");
    }

    @Test
    void checkRequested_aSkillTheKeyIsNotAssigned_isRefusedTheSameWayWhetherItExistsOrNot() {
        KeySkills sales = new KeySkills(List.of(SALES));

        assertThatThrownBy(() -> SkillChoice.checkRequested(sales, "search"))
                .hasFieldOrPropertyWithValue("reason", "SKILL_NOT_ASSIGNED")
                .hasMessage("skill 'search' is not assigned to this API key; its skills are [sales]");
        assertThatThrownBy(() -> SkillChoice.checkRequested(KeySkills.TENANT_WIDE, "sales"))
                .hasFieldOrPropertyWithValue("reason", "SKILL_NOT_ASSIGNED");
        SkillChoice.checkRequested(sales, "sales");
        SkillChoice.checkRequested(KeySkills.TENANT_WIDE, "");
    }

    private static Skill skill(String name, Map<String, String> secrets, String... tools) {
        return new Skill("skl-" + name, "acme", name, "", List.of(tools).stream().map(ToolPattern::parse).toList(),
                secrets, Instant.EPOCH);
    }

    private static ToolDefinition tool(String integrationName, String name) {
        IntegrationEntity integration = new IntegrationEntity("i-" + integrationName, "acme", integrationName,
                new StoredKind("mcp"), "", HttpAuth.Kind.NONE, "", "", Instant.EPOCH, Instant.EPOCH, "{}",
                IntegrationSource.MANUAL, "{}");
        return new ToolDefinition("acme", integration, name, 1, "", "{\"type\":\"object\"}",
                new SchemaCompiler().compile("input_schema_json", JsonNodeFactory.instance.objectNode().put("type",
                        "object")), ToolAnnotations.NONE, new McpBinding(name), Duration.ofSeconds(5), "");
    }
}
