/**
 * Finding tools in big catalogs: pages of what a caller may see ({@link ToolPages}), opaque
 * signed page tokens ({@link PageTokens}) and full-text search ({@link ToolSearch}). Visibility
 * (skills and policy) is applied before paging or ranking, so neither page boundaries, tokens
 * nor search results say anything about tools the caller may not see.
 */
package dev.toolgate.gateway.discovery;
