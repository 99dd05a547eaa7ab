package dev.toolgate.gateway.validation;

import com.google.re2j.Pattern;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * Plugs RE2/J into networknt json-schema-validator for {@code pattern},
 * {@code patternProperties} and {@code format: regex}: like the validator's own JDK factory, a
 * pattern matches when it is found anywhere in the string (JSON Schema patterns are not
 * anchored). A pattern {@link Re2Patterns} refuses throws {@link IllegalArgumentException}.
 * Thread-safe.
 */
final class Re2RegularExpressionFactory implements RegularExpressionFactory {
    static final Re2RegularExpressionFactory INSTANCE = new Re2RegularExpressionFactory();

    private Re2RegularExpressionFactory() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Re2Patterns.compile(regex);
        return value -> pattern.matcher(value).find();
    }
}
