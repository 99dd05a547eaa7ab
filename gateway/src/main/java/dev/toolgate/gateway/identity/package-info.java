/**
 * The end user on a call: a tenant's identity provider (issuer, JWKS, audience), the
 * verification of the users' JWTs it issues, and what a call carries to name its user.
 */
package dev.toolgate.gateway.identity;
