/** The one error model of the gateway: {@link dev.toolgate.gateway.error.GatewayException}. */
package dev.toolgate.gateway.error;
