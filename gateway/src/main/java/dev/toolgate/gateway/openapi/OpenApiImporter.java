package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.export.SchemaTrimmer;
import dev.toolgate.gateway.catalog.SecurityScheme;
import dev.toolgate.gateway.catalog.SecuritySchemes;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.validation.FormatChecks;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an {@link OpenApiDocument} into an {@link ImportPlan} for one integration: a tool per
 * selected operation, the security schemes with the secret each reads, and the base URL. An
 * operation that cannot become a tool is reported and skipped; it never stops the others. Pure:
 * no I/O, no storage.
 */
public final class OpenApiImporter {
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");
    private static final Pattern MESSAGE_OPERATION = Pattern.compile("paths\\.'([^']*)'\\((\\w+)\\)");
    private static final Pattern SERVER_VARIABLE = Pattern.compile("\\{([^{}]+)}");
    /** RFC 9110 token: header, query key and cookie names an API key can travel in. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");

    private OpenApiImporter() {
    }

    public static ImportPlan plan(OpenApiDocument document, String integration, ImportOptions options) {
        JsonNode root = document.root();
        RefResolver refs = new RefResolver(root);
        List<ImportWarning> warnings = new ArrayList<>();
        Map<String, List<String>> messagesByOperation = new LinkedHashMap<>();
        for (String message : document.messages()) {
            Matcher m = MESSAGE_OPERATION.matcher(message);
            if (m.find()) {
                messagesByOperation.computeIfAbsent(m.group(2).toUpperCase(Locale.ROOT) + " " + m.group(1),
                        k -> new ArrayList<>()).add(message);
            } else {
                warnings.add(new ImportWarning("", message, false));
            }
        }
        List<Operation> operations = operations(root, warnings);
        SecuritySchemes schemes = schemes(root, refs, integration, options, operations, warnings);
        Set<String> credentialParams = new HashSet<>();
        for (SecurityScheme s : schemes.byName().values()) {
            if (s.type() == SecurityScheme.Type.API_KEY) {
                credentialParams.add(s.in().name().toLowerCase(Locale.ROOT) + ":" + s.paramName().toLowerCase(Locale.ROOT));
            }
        }
        OperationTranslator translator = new OperationTranslator(refs, document.openApi31(), credentialParams,
                root.get("security"), options.boundValues());
        String baseUrl = baseUrl(root, options, warnings);
        FormatChecks documentFormats = options.formatChecks().isPresent() ? FormatChecks.DEFAULT
                : declaredFormatChecks(root, "", warnings).orElse(FormatChecks.DEFAULT);

        List<ImportedTool> tools = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        int excluded = 0;
        for (Operation o : operations) {
            String label = o.method() + " " + o.path();
            messagesByOperation.getOrDefault(label, List.of())
                    .forEach(m -> warnings.add(new ImportWarning(label, m, false)));
            if (o.op().path("x-toolgate-hidden").asBoolean(false)) {
                excluded++;
                continue;
            }
            String name = name(o, warnings);
            List<String> tags = new ArrayList<>();
            o.op().path("tags").forEach(t -> tags.add(t.asText()));
            if (!options.selects(o.path(), tags, o.op().path("operationId").asText(""), name)) {
                excluded++;
                continue;
            }
            if (!HttpBinding.METHODS.contains(o.method())) {
                warnings.add(new ImportWarning(label, o.method() + " operations are not imported", true));
                continue;
            }
            String unique = OperationNames.unique(name, taken);
            if (!unique.equals(name)) {
                warnings.add(new ImportWarning(label, "tool name '" + name + "' is taken; named '" + unique + "'", false));
            }
            try {
                ImportedTool tool = translator.translate(unique, o.method(), o.path(), o.pathItem(), o.op(),
                        w -> warnings.add(new ImportWarning(label, w, false)))
                        .withFormatChecks(formatChecks(options, documentFormats, o.op(), unique, label, warnings));
                tools.add(tool);
                taken.add(unique);
                int schemaBytes = SchemaTrimmer.bytes(tool.inputSchema());
                if (schemaBytes > SchemaTrimmer.MAX_SCHEMA_BYTES) {
                    warnings.add(new ImportWarning(label, "input schema of '" + unique + "' is " + schemaBytes / 1024
                            + " KB, over the " + SchemaTrimmer.MAX_SCHEMA_BYTES / 1024 + " KB a model takes: export it"
                            + " trimmed (ExportTools trim_large_schemas, toolgate tools --format … --trim)", false));
                }
            } catch (ImportProblem | IllegalArgumentException e) {
                warnings.add(new ImportWarning(label, e.getMessage(), true));
                failed.add(unique);
                taken.add(unique);
            }
        }
        for (String name : new TreeSet<>(options.toolFormatChecks().keySet())) {
            if (!taken.contains(name)) {
                warnings.add(new ImportWarning("", "tool_format_checks names '" + Identifiers.abbreviate(name)
                        + "', which is not an imported tool", false));
            }
        }
        for (String name : new TreeSet<>(options.boundValues().keySet())) {
            if (!translator.boundUsed().contains(name)) {
                warnings.add(new ImportWarning("", "--bind " + name + ": no imported operation has a parameter or"
                        + " body property named '" + name + "'", false));
            }
        }
        JsonNode info = root.path("info");
        String title = info.path("title").asText("") + (info.has("version") ? " " + info.path("version").asText() : "");
        return new ImportPlan(title.strip(), document.sourceVersion(), baseUrl, schemes, tools, warnings, excluded, failed);
    }

    /** The document's extension for whether formats are checked. */
    static final String FORMAT_CHECKS_EXTENSION = "x-toolgate-format-checks";

    /**
     * Whether a tool checks formats: the admin's choice for the tool, else for the import, else the
     * operation's {@code x-toolgate-format-checks}, else {@code documentDefault}.
     */
    private static FormatChecks formatChecks(ImportOptions options, FormatChecks documentDefault, JsonNode op,
            String tool, String label, List<ImportWarning> warnings) {
        FormatChecks chosen = options.toolFormatChecks().get(tool);
        if (chosen != null) {
            return chosen;
        }
        return options.formatChecks().orElseGet(() -> declaredFormatChecks(op, label, warnings).orElse(documentDefault));
    }

    /** The node's {@code x-toolgate-format-checks}; a value other than assert or annotate is a warning. */
    private static java.util.Optional<FormatChecks> declaredFormatChecks(JsonNode node, String label,
            List<ImportWarning> warnings) {
        JsonNode declared = node.path(FORMAT_CHECKS_EXTENSION);
        if (declared.isMissingNode()) {
            return java.util.Optional.empty();
        }
        java.util.Optional<FormatChecks> parsed = declared.isTextual() ? FormatChecks.parse(declared.asText())
                : java.util.Optional.empty();
        if (parsed.isEmpty()) {
            warnings.add(new ImportWarning(label, FORMAT_CHECKS_EXTENSION + " must be 'assert' or 'annotate', not "
                    + Identifiers.abbreviate(declared.toString()) + "; ignored", false));
        }
        return parsed;
    }

    record Operation(String path, String method, JsonNode pathItem, JsonNode op) {
    }

    /** Every operation, ordered by path and then method, so names and collisions are stable. */
    private static List<Operation> operations(JsonNode root, List<ImportWarning> warnings) {
        List<Operation> out = new ArrayList<>();
        RefResolver refs = new RefResolver(root);
        root.path("paths").fields().forEachRemaining(entry -> {
            JsonNode item;
            try {
                item = refs.deref(entry.getValue());
            } catch (ImportProblem e) {
                warnings.add(new ImportWarning(entry.getKey(), "path item: " + e.getMessage(), true));
                return;
            }
            for (String method : METHODS) {
                if (item.path(method).isObject()) {
                    out.add(new Operation(entry.getKey(), method.toUpperCase(Locale.ROOT), item, item.get(method)));
                }
            }
        });
        out.sort(Comparator.comparing(Operation::path).thenComparing(o -> METHODS.indexOf(o.method().toLowerCase(Locale.ROOT))));
        return out;
    }

    private static String name(Operation o, List<ImportWarning> warnings) {
        String label = o.method() + " " + o.path();
        String override = o.op().path("x-toolgate-name").asText("");
        if (!override.isEmpty()) {
            if (Identifiers.checkName("x-toolgate-name", override).isEmpty()) {
                return override;
            }
            warnings.add(new ImportWarning(label, "x-toolgate-name '" + Identifiers.abbreviate(override)
                    + "' is not a valid tool name (lower-case words joined by '_' or '-'); ignored", false));
        }
        String operationId = o.op().path("operationId").asText("");
        return operationId.isBlank() ? OperationNames.fromMethodAndPath(o.method(), o.path())
                : OperationNames.fromOperationId(operationId);
    }

    private static SecuritySchemes schemes(JsonNode root, RefResolver refs, String integration, ImportOptions options,
            List<Operation> operations, List<ImportWarning> warnings) {
        Map<String, Set<String>> scopesByScheme = new LinkedHashMap<>();
        List<JsonNode> requirements = new ArrayList<>();
        root.path("security").forEach(requirements::add);
        operations.forEach(o -> o.op().path("security").forEach(requirements::add));
        for (JsonNode requirement : requirements) {
            requirement.fields().forEachRemaining(e -> {
                Set<String> scopes = scopesByScheme.computeIfAbsent(e.getKey(), k -> new TreeSet<>());
                e.getValue().forEach(s -> scopes.add(s.asText()));
            });
        }
        List<SecurityScheme> out = new ArrayList<>();
        Set<String> secretNames = new HashSet<>(options.secrets().values());
        JsonNode defined = root.path("components").path("securitySchemes");
        defined.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            String secret = options.secrets().get(name);
            if (secret == null) { // apiKey and api_key must not share a secret
                secret = OperationNames.unique(OperationNames.fit(OperationNames.snake(integration + "_" + name)),
                        secretNames);
                secretNames.add(secret);
            }
            JsonNode s;
            try {
                s = refs.deref(entry.getValue());
            } catch (ImportProblem e) {
                out.add(SecurityScheme.unsupported(name, e.getMessage()));
                return;
            }
            out.add(scheme(name, s, secret, scopesByScheme.getOrDefault(name, Set.of())));
        });
        for (SecurityScheme s : out) {
            if (s.type() == SecurityScheme.Type.UNSUPPORTED && scopesByScheme.containsKey(s.name())) {
                warnings.add(new ImportWarning("", "security scheme '" + s.name() + "': " + s.note()
                        + "; operations needing only it will fail at call time", false));
            }
        }
        for (String used : scopesByScheme.keySet()) {
            if (!defined.has(used)) {
                warnings.add(new ImportWarning("", "security scheme '" + used
                        + "' is required by operations but not defined in components.securitySchemes", false));
            }
        }
        return SecuritySchemes.of(out);
    }

    private static SecurityScheme scheme(String name, JsonNode s, String secret, Set<String> scopes) {
        String type = s.path("type").asText("");
        switch (type) {
            case "http" -> {
                String scheme = s.path("scheme").asText("").toLowerCase(Locale.ROOT);
                if (scheme.equals("bearer")) {
                    return SecurityScheme.simple(name, SecurityScheme.Type.BEARER, secret);
                }
                if (scheme.equals("basic")) {
                    return SecurityScheme.simple(name, SecurityScheme.Type.BASIC, secret);
                }
                return SecurityScheme.unsupported(name, "HTTP auth scheme '" + scheme + "' is not supported");
            }
            case "apiKey" -> {
                String in = s.path("in").asText("");
                String param = s.path("name").asText("");
                SecurityScheme.ApiKeyLocation location = switch (in) {
                    case "header" -> SecurityScheme.ApiKeyLocation.HEADER;
                    case "query" -> SecurityScheme.ApiKeyLocation.QUERY;
                    case "cookie" -> SecurityScheme.ApiKeyLocation.COOKIE;
                    default -> null;
                };
                if (location == null || !TOKEN.matcher(param).matches()) {
                    return SecurityScheme.unsupported(name, "API key in '" + in + "' named '"
                            + Identifiers.abbreviate(param) + "' cannot be sent");
                }
                if (location == SecurityScheme.ApiKeyLocation.HEADER && !HttpBinding.isCredentialHeader(param)) {
                    return SecurityScheme.unsupported(name, "API key header '" + param + "' is a refused header"
                            + " (HTTP itself or the gateway sets it)");
                }
                return SecurityScheme.apiKey(name, location, param, secret);
            }
            case "oauth2" -> {
                JsonNode cc = s.path("flows").path("clientCredentials");
                if (cc.path("tokenUrl").isTextual()) {
                    String tokenUrl = cc.path("tokenUrl").asText();
                    if (!usableUrl(tokenUrl)) {
                        return SecurityScheme.unsupported(name, "token URL '" + Identifiers.abbreviate(tokenUrl)
                                + "' is not an absolute http(s) URL with a host (templated URLs are not supported)");
                    }
                    return SecurityScheme.clientCredentials(name, tokenUrl, List.copyOf(scopes), secret);
                }
                JsonNode ac = s.path("flows").path("authorizationCode");
                if (ac.path("authorizationUrl").isTextual() && ac.path("tokenUrl").isTextual()) {
                    String authorizationUrl = ac.path("authorizationUrl").asText();
                    String tokenUrl = ac.path("tokenUrl").asText();
                    if (!usableUrl(authorizationUrl) || !usableUrl(tokenUrl)) {
                        return SecurityScheme.unsupported(name, "authorization URL '"
                                + Identifiers.abbreviate(authorizationUrl) + "' or token URL '"
                                + Identifiers.abbreviate(tokenUrl) + "' is not an absolute http(s) URL with a host");
                    }
                    Set<String> asked = new TreeSet<>(scopes); // refresh tokens, where the server names that scope
                    if (ac.path("scopes").has("offline_access")) {
                        asked.add("offline_access");
                    }
                    return SecurityScheme.userConnection(name, authorizationUrl, tokenUrl, List.copyOf(asked), secret);
                }
                return SecurityScheme.simple(name, SecurityScheme.Type.BEARER, secret); // the secret holds an access token
            }
            case "openIdConnect" -> {
                return SecurityScheme.simple(name, SecurityScheme.Type.BEARER, secret);
            }
            case "mutualTLS" -> {
                return SecurityScheme.simple(name, SecurityScheme.Type.MUTUAL_TLS, secret);
            }
            default -> {
                return SecurityScheme.unsupported(name, "security scheme type '" + type + "' is not supported");
            }
        }
    }

    private static boolean usableUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Whether the document as read (before the OpenAPI parser converts it) can give a base URL: one
     * is given in the options, an OpenAPI 3 document's first server URL is absolute once its
     * variables are filled, or a Swagger 2.0 document names a {@code host}. False means the import
     * cannot succeed whatever the rest of the document says.
     */
    static boolean mayHaveBaseUrl(JsonNode raw, ImportOptions options) {
        if (!options.baseUrl().isEmpty()) {
            return true;
        }
        if (raw.has("swagger")) {
            return raw.path("host").isTextual() && !raw.path("host").asText().isBlank();
        }
        return !baseUrl(raw, options, new ArrayList<>()).isEmpty();
    }

    /** The first server's URL with its variables filled in, or the override; empty when not absolute. */
    private static String baseUrl(JsonNode root, ImportOptions options, List<ImportWarning> warnings) {
        if (!options.baseUrl().isEmpty()) {
            return strip(options.baseUrl());
        }
        JsonNode server = root.path("servers").path(0);
        String url = server.path("url").asText("");
        Set<String> unknown = new LinkedHashSet<>(options.serverVariables().keySet());
        Matcher m = SERVER_VARIABLE.matcher(url);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String variable = m.group(1);
            unknown.remove(variable);
            JsonNode declared = server.path("variables").path(variable);
            String value = options.serverVariables().getOrDefault(variable, declared.path("default").asText(""));
            if (declared.path("enum").isArray() && declared.get("enum").size() > 0) {
                boolean allowed = false;
                for (JsonNode e : declared.get("enum")) {
                    allowed |= e.asText().equals(value);
                }
                if (!allowed) {
                    warnings.add(new ImportWarning("", "server variable '" + variable + "' = '" + value
                            + "' is not one of the values the document allows", false));
                }
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        for (String variable : unknown) {
            warnings.add(new ImportWarning("", "server variable '" + variable + "' is not in the server URL '"
                    + url + "'; ignored", false));
        }
        String resolved = sb.toString();
        try {
            URI uri = new URI(resolved);
            if (uri.isAbsolute() && uri.getHost() != null) {
                return strip(resolved);
            }
        } catch (URISyntaxException e) {
            // reported below as not absolute
        }
        return "";
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
