/**
 * What the gateway refuses to log whatever the configured levels: wire-level (frame, header,
 * byte) logging of the gRPC, HTTP and MCP clients and servers, which carries API keys and secret
 * values.
 */
package dev.toolgate.gateway.logging;
