package dev.toolgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.core.ToolgateProperties;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.naming.NameUtils;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md stays true: every key of every {@code @ConfigurationProperties} type of
 * the gateway (found in its compiled classes) has a row with its environment variable and its
 * default (compared as the key's type, so {@code 2s} matches {@code 2000ms}), keys without a
 * default say "unset", and no row names a key that does not exist.
 */
class ConfigurationDocsTest {
    private static final Path DOC = Path.of("..").toAbsolutePath().normalize().resolve("docs/configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(toolgate\\.[^`]+)` \\| `([^`]+)` \\| (unset|`([^`]*)`) \\|");

    record Key(String name, Class<?> type, String defaultValue) {
    }

    record Row(String env, String defaultValue) {
    }

    @Test
    void everyConfigurationKey_isDocumentedWithItsVariableAndDefault() throws IOException, URISyntaxException {
        Map<String, Key> keys = keys();
        Map<String, Row> rows = rows();
        assertThat(keys).as("keys found in the properties types").hasSizeGreaterThan(60);

        SoftAssertions soft = new SoftAssertions();
        for (Key key : keys.values()) {
            Row row = rows.get(key.name());
            soft.assertThat(row).as("docs/configuration.md row for %s", key.name()).isNotNull();
            if (row == null) {
                continue;
            }
            soft.assertThat(row.env()).as("environment variable of %s", key.name()).isEqualTo(envOf(key.name()));
            if (key.defaultValue() == null) {
                soft.assertThat(row.defaultValue()).as("default of %s", key.name()).isNull();
            } else {
                soft.assertThat(row.defaultValue()).as("default of %s", key.name()).isNotNull();
                if (row.defaultValue() != null) {
                    soft.assertThat(convert(row.defaultValue(), key.type())).as("default of %s", key.name())
                            .isEqualTo(convert(key.defaultValue(), key.type()));
                }
            }
        }
        for (String documented : rows.keySet()) {
            if (!documented.contains("<")) { // map keys (egress.tenants.<tenant>) are read by prefix
                soft.assertThat(keys).as("documented key %s exists", documented).containsKey(documented);
            }
        }
        soft.assertAll();
    }

    /** Every key bound by a {@code @ConfigurationProperties} record of the gateway, by name. */
    static Map<String, Key> keys() throws IOException, URISyntaxException {
        Path classes = Path.of(ToolgateProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Key> out = new LinkedHashMap<>();
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    Class<?> c = Class.forName(name, false, ConfigurationDocsTest.class.getClassLoader());
                    if (c.isRecord() && c.isAnnotationPresent(ConfigurationProperties.class)) {
                        types.add(c);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    // not a class the gateway loads
                }
            }
        }
        for (Class<?> type : types) {
            RecordComponent[] components = type.getRecordComponents();
            Parameter[] parameters = canonical(type, components).getParameters(); // where @Bindable sits
            for (int i = 0; i < components.length; i++) {
                RecordComponent component = components[i];
                if (component.getType().isAnnotationPresent(ConfigurationProperties.class)) {
                    continue; // a nested group: its own keys are listed
                }
                Bindable bindable = parameters[i].getAnnotation(Bindable.class);
                String name = prefix(type) + "." + NameUtils.hyphenate(component.getName());
                out.put(name, new Key(name, component.getType(), bindable == null ? null : bindable.defaultValue()));
            }
        }
        return out;
    }

    private static Constructor<?> canonical(Class<?> type, RecordComponent[] components) {
        try {
            return type.getDeclaredConstructor(Stream.of(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(type + " has no canonical constructor", e);
        }
    }

    private static String prefix(Class<?> type) {
        String own = type.getAnnotation(ConfigurationProperties.class).value();
        Class<?> outer = type.getEnclosingClass();
        return outer != null && outer.isAnnotationPresent(ConfigurationProperties.class) ? prefix(outer) + "." + own
                : own;
    }

    private static Map<String, Row> rows() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                rows.put(m.group(1), new Row(m.group(2), m.group(4)));
            }
        }
        return rows;
    }

    static String envOf(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Object convert(String value, Class<?> type) {
        return ConversionService.SHARED.convert(value, type)
                .orElseThrow(() -> new AssertionError("'" + value + "' is not a " + type.getSimpleName()));
    }
}
