/**
 * Connected accounts: an integration that acts for the end user with the user's own OAuth tokens
 * (authorization code + PKCE), the connect links and callback, and the tokens' storage and refresh.
 */
package dev.toolgate.gateway.connections;
