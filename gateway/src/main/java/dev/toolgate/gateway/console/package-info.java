/**
 * The web console under {@code /console}: server-rendered pages for people (sign-in, integrations
 * and running a tool, approvals, the audit trail). Sign-in is pluggable ({@link
 * dev.toolgate.gateway.console.ConsoleSessions#open}): an API key today, an OpenID Connect
 * provider later; either way the browser only ever holds an opaque session cookie.
 */
package dev.toolgate.gateway.console;
