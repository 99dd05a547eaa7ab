package dev.toolgate.policy;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where files go in a policy directory, and what each one is for:
 * <pre>
 *   _all.yaml, _all/**.yaml            rules and limits for every tenant
 *   acme.yaml, acme/**.yaml            tenant acme's rules and limits
 *   *_test.yaml (anywhere above)       test cases for the policy they sit with
 * </pre>
 * Files and directories whose names start with '.' are ignored, as is anything that is not
 * {@code .yaml} / {@code .yml}.
 */
public final class PolicyLayout {
    /** The unit name of files that apply to every tenant. */
    public static final String SHARED = "_all";
    /** Tenant ids as the gateway accepts them. */
    public static final Pattern TENANT = Pattern.compile("[a-z0-9]+([_-][a-z0-9]+)*");

    private PolicyLayout() {
    }

    /** A file's role: the tenant (or {@link #SHARED}) it belongs to, and whether it holds tests. */
    public record Placement(String unit, boolean test) {
    }

    public static boolean isYaml(String relativePath) {
        return relativePath.endsWith(".yaml") || relativePath.endsWith(".yml");
    }

    /**
     * @param relativePath path under the policy directory with '/' separators
     * @return the placement, or empty when the name is not a tenant (the caller reports it)
     */
    public static Optional<Placement> place(String relativePath) {
        String base = relativePath.substring(relativePath.lastIndexOf('/') + 1);
        String stem = base.substring(0, base.lastIndexOf('.'));
        boolean test = stem.endsWith("_test");
        int slash = relativePath.indexOf('/');
        String unit;
        if (slash < 0) {
            unit = test ? stem.substring(0, stem.length() - "_test".length()) : stem;
        } else {
            unit = relativePath.substring(0, slash);
        }
        if (unit.equals(SHARED) || TENANT.matcher(unit).matches() && unit.length() <= 63) {
            return Optional.of(new Placement(unit, test));
        }
        return Optional.empty();
    }
}
