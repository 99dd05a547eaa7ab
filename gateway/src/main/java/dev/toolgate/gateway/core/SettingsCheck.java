package dev.toolgate.gateway.core;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.ConfigurationReader;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.naming.NameUtils;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.lang.reflect.RecordComponent;

/**
 * Stops the start when a {@code toolgate.*} key is set to text its type cannot take
 * ({@code toolgate.auth.cache-size=lots}): Micronaut binds such a value as the key's default
 * without a word, so every key of the gateway's {@code @ConfigurationProperties} records that is
 * set is converted once here (a switch must say true/false, yes/no or on/off). The ranges are checked by the records themselves.
 */
@Context
final class SettingsCheck {
    /** What a switch may be set to; Micronaut alone reads any other text as false. */
    private static final java.util.Set<String> BOOLEANS = java.util.Set.of("true", "false", "yes", "no", "on", "off");

    SettingsCheck(Environment environment, BeanContext beans) {
        for (BeanDefinition<?> definition : beans.getBeanDefinitions(Qualifiers.byStereotype(ConfigurationReader.class))) {
            Class<?> type = definition.getBeanType();
            if (type.isRecord() && type.getPackageName().startsWith("dev.toolgate.")
                    && type.isAnnotationPresent(ConfigurationProperties.class)) {
                check(environment, type);
            }
        }
    }

    private static void check(Environment environment, Class<?> type) {
        for (RecordComponent component : type.getRecordComponents()) {
            Class<?> valueType = component.getType();
            if (valueType.isAnnotationPresent(ConfigurationProperties.class)) {
                continue; // a nested group, checked on its own
            }
            String key = prefix(type) + "." + NameUtils.hyphenate(component.getName());
            if (environment.containsProperty(key) && (environment.getProperty(key, valueType).isEmpty()
                    || valueType == boolean.class && !BOOLEANS.contains(environment.getProperty(key, String.class)
                            .orElse("").strip().toLowerCase(java.util.Locale.ROOT)))) {
                throw new ConfigurationException(key + " must be " + describe(valueType) + ", but was "
                        + environment.getProperty(key, String.class).orElse("?"));
            }
        }
    }

    private static String prefix(Class<?> type) {
        String own = type.getAnnotation(ConfigurationProperties.class).value();
        Class<?> outer = type.getEnclosingClass();
        return outer != null && outer.isAnnotationPresent(ConfigurationProperties.class) ? prefix(outer) + "." + own
                : own;
    }

    private static String describe(Class<?> type) {
        return switch (type.getSimpleName()) {
            case "int", "long" -> "a whole number";
            case "float", "double" -> "a number";
            case "boolean" -> "true or false";
            case "Duration" -> "a duration such as 500ms, 2s, 5m";
            default -> "a " + type.getSimpleName();
        };
    }
}
