/** Server TLS for the gRPC and HTTP listeners, and the warning for plaintext listeners off loopback. */
package dev.toolgate.gateway.tls;
