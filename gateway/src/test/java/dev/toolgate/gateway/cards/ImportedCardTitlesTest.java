package dev.toolgate.gateway.cards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.SetToolCardRequest;
import dev.toolgate.proto.v1.ToolCard;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An OpenAPI operation's {@code summary} is its tool's card title, unless the tool has a card of its own. */
@MicronautTest
class ImportedCardTitlesTest {
    private static final String DOCUMENT = """
            {"openapi": "3.0.3", "info": {"title": "Shop", "version": "1"},
             "paths": {
               "/orders": {"post": {"operationId": "create_order", "summary": "%s",
                 "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                   "properties": {"sku": {"type": "string"}}}}}},
                 "responses": {"201": {"description": "created"}}}},
               "/orders/{id}": {"get": {"operationId": "get_order",
                 "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                 "responses": {"200": {"description": "the order"}}}}}}""";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    TenantFixture fx;

    @BeforeEach
    void setUp() {
        gateway.upstream().route("/orders", r -> Reply.json(201, "{\"order_id\":\"O-1\"}"));
        fx = gateway.fixture();
    }

    @Test
    void theSummary_isTheCardTitle_andFollowsTheNextImport_whileAToolWithoutOneShowsItsName() {
        importShop("Place an <b>order</b>\\nfor a customer");
        ToolCard first = card("shop.create_order");
        ToolCard unnamed = card("shop.get_order");
        importShop("Create an order");

        assertThat(first.getTitle()).isEqualTo("Place an &lt;b&gt;order&lt;/b&gt; for a customer");
        assertThat(first.getNarration()).isEqualTo(first.getTitle());
        assertThat(unnamed.getTitle()).isEqualTo("shop.get\\_order");
        assertThat(card("shop.create_order").getTitle()).isEqualTo("Create an order");
    }

    @Test
    void aCardOfTheToolsOwn_isNeverOverwrittenByAnImport() {
        importShop("Create an order");
        fx.admin().setToolCard(SetToolCardRequest.newBuilder().setTenant(fx.tenant).setTool("shop.create_order")
                .setTitle("Order something").setIcon("cart").build());

        importShop("Create an order, new wording");

        assertThat(card("shop.create_order").getTitle()).isEqualTo("Order something");
        assertThat(card("shop.create_order").getIcon()).isEqualTo("cart");
    }

    private void importShop(String summary) {
        fx.admin().importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("shop")
                .setDocument(DOCUMENT.formatted(summary)).setOptions(OpenApiImportOptions.newBuilder()
                        .setBaseUrl(gateway.upstream().baseUrl())).build());
        // the card cache of this instance is dropped by the import itself
    }

    private ToolCard card(String tool) {
        String args = tool.endsWith("create_order") ? "{\"sku\":\"A-1\"}" : "{\"id\":\"O-1\"}";
        return fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(args)
                .setRefusalsAsResults(true).build()).getCard();
    }
}
