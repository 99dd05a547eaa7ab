/** The management listener: metrics and health, apart from the port agents use. */
package dev.toolgate.gateway.management;
