package dev.toolgate.gateway.compensation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.DeleteToolCompensationRequest;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.ImportWarning;
import dev.toolgate.proto.v1.ListToolCompensationsRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.ToolCompensation;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where compensations are declared: OpenAPI (extension and import option), UpsertHttpTool, and removal. */
@MicronautTest
class CompensationDeclarationsTest {
    private static final String DOCUMENT = """
            openapi: 3.0.3
            info: {title: Shop, version: "1"}
            servers: [{url: "http://127.0.0.1:9"}]
            paths:
              /orders:
                post:
                  operationId: createOrder
                  x-toolgate-compensation:
                    tool: cancel_order
                    arguments: {order_id: /result/id}
                  requestBody:
                    content:
                      application/json:
                        schema: {type: object, properties: {sku: {type: string}}}
                  responses: {"201": {description: created}}
              /orders/{order_id}/cancel:
                post:
                  operationId: cancelOrder
                  parameters: [{name: order_id, in: path, required: true, schema: {type: string}}]
                  responses: {"200": {description: cancelled}}
              /customers:
                post:
                  operationId: createCustomer
                  x-toolgate-compensation: {tool: delete_customer, arguments: {customer_id: "result/id"}}
                  responses: {"201": {description: created}}
              /customers/{customer_id}:
                delete:
                  operationId: deleteCustomer
                  parameters: [{name: customer_id, in: path, required: true, schema: {type: string}}]
                  responses: {"200": {description: deleted}}
            """;

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Test
    void openApiImport_takesTheExtension_warnsAboutABadOne_andTheOptionWins() {
        TenantFixture fx = gateway.fixture();

        ImportOpenApiResponse first = fx.admin().importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("shop").setDocument(DOCUMENT).build());

        assertThat(first.getWarningsList()).extracting(ImportWarning::getMessage)
                .anySatisfy(m -> assertThat(m).contains("x-toolgate-compensation ignored").contains("result/id"));
        assertThat(list(fx)).containsExactly(ToolCompensation.newBuilder().setTool("shop.create_order")
                .setCompensatingTool("shop.cancel_order").putArguments("order_id", "/result/id").build());

        fx.admin().importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("shop")
                .setDocument(DOCUMENT).setOptions(OpenApiImportOptions.newBuilder()
                        .putCompensations("create_customer", ToolCompensation.newBuilder()
                                .setCompensatingTool("shop.delete_customer")
                                .setExpression("{\"customer_id\": result.id}").build()))
                .build());

        assertThat(list(fx)).extracting(ToolCompensation::getTool).containsExactly("shop.create_customer",
                "shop.create_order");
        assertThat(list(fx).get(0).getExpression()).isEqualTo("{\"customer_id\": result.id}");
    }

    @Test
    void aBadImportOption_isRefusedBeforeAnythingIsWritten() {
        TenantFixture fx = gateway.fixture();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin().importOpenApi(
                ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("shop").setDocument(DOCUMENT)
                        .setOptions(OpenApiImportOptions.newBuilder().putCompensations("create_order",
                                ToolCompensation.newBuilder().setCompensatingTool("shop.cancel_order").build()))
                        .build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("options.compensations[create_order]");
        assertThat(list(fx)).isEmpty();
        assertThat(fx.agent().listTools(dev.toolgate.proto.v1.ListToolsRequest.getDefaultInstance()).getToolsList())
                .isEmpty();
    }

    @Test
    void upsertHttpTool_declaresItsCompensation_andDeleteRemovesIt() {
        TenantFixture fx = gateway.fixture();
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("open_case").setDescription("Open a case").setMethod("POST").setPath("/cases")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setCompensation(ToolCompensation.newBuilder().setCompensatingTool("desk.close_case")
                        .putArguments("case_id", "/result/case_id"))
                .build());

        assertThat(list(fx)).extracting(ToolCompensation::getTool, ToolCompensation::getCompensatingTool)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("desk.open_case", "desk.close_case"));

        fx.admin().deleteToolCompensation(DeleteToolCompensationRequest.newBuilder().setTenant(fx.tenant)
                .setTool("desk.open_case").build());
        StatusRuntimeException again = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .deleteToolCompensation(DeleteToolCompensationRequest.newBuilder().setTenant(fx.tenant)
                        .setTool("desk.open_case").build()));

        assertThat(list(fx)).isEmpty();
        assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    private static List<ToolCompensation> list(TenantFixture fx) {
        return fx.admin().listToolCompensations(ListToolCompensationsRequest.newBuilder().setTenant(fx.tenant).build())
                .getCompensationsList();
    }
}
