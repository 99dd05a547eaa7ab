package dev.toolgate.gateway.discovery;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;

/** A generated OpenAPI document of many operations, imported as one integration. */
final class BigCatalog {
    private static final String[] NOUNS = {"invoice", "customer", "order", "shipment", "ticket", "refund", "report",
        "product", "warehouse", "payment", "subscription", "coupon", "review", "vendor", "contract"};
    private static final String[] VERBS = {"list", "get", "create", "update", "delete", "archive", "export",
        "approve", "cancel", "merge"};

    private BigCatalog() {
    }

    /** {@code operations} GET operations {@code op_0000..}, each with a summary and two parameters. */
    static String document(int operations) {
        StringBuilder paths = new StringBuilder();
        for (int i = 0; i < operations; i++) {
            String noun = NOUNS[i % NOUNS.length];
            String verb = VERBS[(i / NOUNS.length) % VERBS.length];
            if (i > 0) {
                paths.append(',');
            }
            paths.append(String.format("""
                    "/r%04d/{id}":{"get":{"operationId":"op_%04d","summary":"%s %s number %d",
                      "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"},
                        "description":"The %s id"},
                       {"name":"region_%d","in":"query","schema":{"type":"string"}}],
                      "responses":{"200":{"description":"ok"}}}}""", i, i, verb, noun, i, noun, i));
        }
        return """
                {"openapi":"3.0.3","info":{"title":"big","version":"1"},
                 "servers":[{"url":"http://127.0.0.1:9"}],"paths":{""" + paths + "}}";
    }

    static void importInto(AdminServiceGrpc.AdminServiceBlockingStub admin, String tenant, String integration,
            int operations) {
        admin.importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration(integration)
                .setDocument(document(operations)).setOptions(OpenApiImportOptions.getDefaultInstance()).build());
    }
}
