package dev.toolgate.gateway.auth;

import java.util.Set;
import java.util.regex.Pattern;

/** Well-known scopes. Other scopes are free-form strings that policies may test. */
public final class Scopes {
    public static final String TOOLS_CALL = "tools:call";
    public static final String TOOLS_CONFIRM = "tools:confirm";
    public static final String ADMIN = "admin";
    /** A trusted key that may name the end user of a call by plain id, without the user's token. */
    public static final String USERS_ASSERT = "users:assert";
    public static final Set<String> DEFAULT = Set.of(TOOLS_CALL);
    public static final int MAX_PER_KEY = 20;
    public static final Pattern SYNTAX = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");

    private Scopes() {
    }
}
