package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a tool call becomes an HTTP request: method, path template relative to the
 * integration's base URL, where each argument goes, the body, the credentials and the
 * {@code Accept} header. Arguments without a binding go to a flattened body when there is one
 * and to the query string otherwise. Immutable.
 */
public record HttpBinding(String method, String path, List<ParamBinding> params, BodyBinding body,
        SecurityRequirements security, String accept) implements ToolBinding {
    public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    public static final String DEFAULT_ACCEPT = "application/json";
    private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
    /** RFC 3986 path characters plus the braces of {variables}. */
    private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@/%{}]*");
    /** A fixed query after the path, e.g. {@code ?beta=true}: RFC 3986 query characters. */
    private static final Pattern QUERY_CHARS = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@/%?]*");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^{}/]+)}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "host", "content-length",
            "accept", "user-agent",
            "content-type", "connection", "transfer-encoding", "upgrade", "expect", "te", "trailer",
            "proxy-authorization", "cookie", "traceparent", "tracestate");

    public HttpBinding {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        params = List.copyOf(requireNonNull(params, "params"));
        requireNonNull(body, "body");
        requireNonNull(security, "security");
        requireNonNull(accept, "accept");
    }

    /** A hand-defined tool's binding: body per method, the integration's auth, JSON answers. */
    public HttpBinding(String method, String path, List<ParamBinding> params) {
        this(method, path, params, BodyBinding.defaultFor(method), SecurityRequirements.FROM_INTEGRATION, DEFAULT_ACCEPT);
    }

    public boolean sendsBody() {
        return body.present();
    }

    /** True when the admin bound a parameter to a fixed value or a secret. */
    public boolean hasBoundParams() {
        for (ParamBinding p : params) { // on every call: no stream
            if (p.bound().bound()) {
                return true;
            }
        }
        return false;
    }

    public Optional<ParamBinding> bindingOf(String argument) {
        return params.stream().filter(p -> p.argument().equals(argument)).findFirst();
    }

    /** Names of the {@code {variables}} in the path template, in order. */
    public List<String> pathVariables() {
        List<String> out = new ArrayList<>();
        Matcher m = VARIABLE.matcher(path);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Every problem with this binding, located by request field names. */
    @Override
    public List<FieldViolation> check() {
        List<FieldViolation> out = new ArrayList<>();
        if (!METHODS.contains(method)) {
            out.add(new FieldViolation("method", "method '" + method
                    + "' must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"));
        }
        int q = path.indexOf('?');
        String pathPart = q < 0 ? path : path.substring(0, q);
        String fixedQuery = q < 0 ? "" : path.substring(q + 1);
        if (!path.startsWith("/") || path.length() > 2048 || hasDotSegment(pathPart)
                || !PATH_CHARS.matcher(pathPart).matches() || !QUERY_CHARS.matcher(fixedQuery).matches()) {
            out.add(new FieldViolation("path", "path '" + path + "' must start with '/' and hold only URL path"
                    + " characters (no spaces, '#', no '.' or '..' segments), optionally followed by '?' and a fixed"
                    + " query; put query parameters in params"));
        }
        Set<String> arguments = new HashSet<>();
        Set<String> variablesBound = new HashSet<>();
        for (int i = 0; i < params.size(); i++) {
            ParamBinding p = params.get(i);
            String field = "params[" + i + "]";
            if (p.argument().isEmpty()) {
                out.add(new FieldViolation(field + ".argument", field + ".argument is required"));
            }
            if (!arguments.add(p.argument())) {
                out.add(new FieldViolation(field + ".argument", "argument '" + p.argument() + "' is bound twice"));
            }
            if (p.location() == ParamLocation.HEADER) {
                if (!HEADER_NAME.matcher(p.name()).matches()) {
                    out.add(new FieldViolation(field + ".name", "'" + p.name() + "' is not a valid header name"));
                } else if (isReservedHeader(p.name())) {
                    out.add(new FieldViolation(field + ".name", "header '" + p.name()
                            + "' is set by the gateway and cannot be bound to an argument"));
                }
            }
            if (p.bound().source() == BoundValue.Source.SECRET
                    && dev.toolgate.gateway.core.Identifiers.checkName(field + ".bound", p.bound().value()).isPresent()) {
                out.add(new FieldViolation(field + ".bound", "'" + p.bound().value() + "' is not a valid secret name"));
            }
            if (p.location() == ParamLocation.COOKIE && !COOKIE_NAME.matcher(p.name()).matches()) {
                out.add(new FieldViolation(field + ".name", "'" + p.name() + "' is not a valid cookie name"));
            }
            if (!p.style().allowedIn(p.location())) {
                out.add(new FieldViolation(field + ".style", "style " + p.style().openApiName() + " cannot be used in "
                        + p.location().name().toLowerCase(Locale.ROOT)));
            }
            if (p.location() == ParamLocation.PATH) {
                if (!pathVariables().contains(p.name())) {
                    out.add(new FieldViolation(field + ".name", "path has no variable {" + p.name() + "}"));
                }
                variablesBound.add(p.name());
            }
            if (p.location() == ParamLocation.BODY && !sendsBody()) {
                out.add(new FieldViolation(field + ".location", method + " requests carry no body; bind '"
                        + p.argument() + "' to QUERY, PATH or HEADER"));
            }
            if (p.location() == ParamLocation.BODY && sendsBody() && !body.flattened()) {
                out.add(new FieldViolation(field + ".location", "the body is the whole argument '" + body.argument()
                        + "'; no other argument can be a body property"));
            }
        }
        if (!body.argument().isEmpty() && arguments.contains(body.argument())) {
            out.add(new FieldViolation("params", "argument '" + body.argument()
                    + "' is the request body and cannot also be bound to a parameter"));
        }
        for (String variable : pathVariables()) {
            if (!variablesBound.contains(variable)) {
                out.add(new FieldViolation("params", "path variable {" + variable
                        + "} needs a PATH binding (and a required argument)"));
            }
        }
        return out;
    }

    /** Headers the gateway sets itself (or the HTTP client refuses); arguments and API keys cannot. */
    public static boolean isReservedHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return RESERVED_HEADERS.contains(lower) || lower.equals("date") || lower.equals("via")
                || lower.equals("warning") || lower.equals("x-forwarded-for");
    }

    /**
     * Headers a security scheme of the integration's document may put its credential in: any
     * header an argument may set, and {@code Authorization} (Swagger 2.0 documents declare bearer
     * tokens as an API key of that name). Never hop-by-hop, framing or gateway-set headers.
     */
    public static boolean isCredentialHeader(String name) {
        return HEADER_NAME.matcher(name).matches() && (!isReservedHeader(name) || name.equalsIgnoreCase("authorization"));
    }

    /** A "." or ".." segment would let the template climb out of the base path. */
    private static boolean hasDotSegment(String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..") || segment.equalsIgnoreCase("%2e")
                    || segment.equalsIgnoreCase("%2e%2e") || segment.equalsIgnoreCase(".%2e")
                    || segment.equalsIgnoreCase("%2e.")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toJson() {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        root.put("method", method);
        root.put("path", path);
        ArrayNode array = root.putArray("params");
        for (ParamBinding p : params) {
            ObjectNode node = array.addObject().put("argument", p.argument()).put("location", p.location().name())
                    .put("name", p.name());
            if (!p.equals(new ParamBinding(p.argument(), p.location(), p.name()))) {
                node.put("style", p.style().name()).put("explode", p.explode()).put("json", p.asJson());
            }
            if (p.allowReserved()) {
                node.put("reserved", true);
            }
            if (p.bound().bound()) {
                node.putObject("bound").put("source", p.bound().source().name()).put("value", p.bound().value());
            }
        }
        ObjectNode bodyNode = root.putObject("body").put("encoding", body.encoding().name())
                .put("argument", body.argument());
        if (!body.mediaType().equals(body.encoding().contentType())) {
            bodyNode.put("media_type", body.mediaType());
        }
        if (!security.fromIntegration()) {
            ArrayNode alternatives = root.putArray("security");
            for (List<String> alternative : security.alternatives()) {
                ArrayNode schemes = alternatives.addArray();
                alternative.forEach(schemes::add);
            }
        }
        root.put("accept", accept);
        return root.toString();
    }

    public static HttpBinding fromJson(String json) {
        try {
            JsonNode root = JsonSupport.mapper().readTree(json);
            List<ParamBinding> params = new ArrayList<>();
            for (JsonNode p : root.path("params")) {
                ParamBinding plain = new ParamBinding(p.path("argument").asText(),
                        ParamLocation.valueOf(p.path("location").asText()), p.path("name").asText());
                ParamBinding binding = p.has("style") ? new ParamBinding(plain.argument(), plain.location(),
                        plain.name(), ParamStyle.valueOf(p.path("style").asText()), p.path("explode").asBoolean(),
                        p.path("json").asBoolean()) : plain;
                if (p.path("reserved").asBoolean(false)) {
                    binding = binding.keepingReserved();
                }
                JsonNode bound = p.path("bound");
                params.add(bound.isObject() ? binding.boundTo(new BoundValue(BoundValue.Source.valueOf(
                        bound.path("source").asText()), bound.path("value").asText())) : binding);
            }
            String method = root.path("method").asText();
            JsonNode bodyNode = root.path("body");
            BodyBinding body = BodyBinding.defaultFor(method);
            if (bodyNode.isObject()) {
                BodyBinding.Encoding encoding = BodyBinding.Encoding.valueOf(bodyNode.path("encoding").asText());
                body = new BodyBinding(encoding, bodyNode.path("argument").asText(),
                        bodyNode.path("media_type").asText(encoding.contentType()));
            }
            SecurityRequirements security = SecurityRequirements.FROM_INTEGRATION;
            if (root.has("security")) {
                List<List<String>> alternatives = new ArrayList<>();
                for (JsonNode alternative : root.path("security")) {
                    List<String> schemes = new ArrayList<>();
                    alternative.forEach(s -> schemes.add(s.asText()));
                    alternatives.add(schemes);
                }
                security = new SecurityRequirements(false, alternatives);
            }
            return new HttpBinding(method, root.path("path").asText(), params, body, security,
                    root.path("accept").asText(DEFAULT_ACCEPT));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("stored HTTP binding is unreadable", e);
        }
    }
}
