/**
 * The contract between the call path and the executors: a {@link dev.toolgate.gateway.upstream.ToolExecutor}
 * prepares a {@link dev.toolgate.gateway.upstream.PreparedCall}, whose send answers an
 * {@link dev.toolgate.gateway.upstream.UpstreamResponse} or throws an
 * {@link dev.toolgate.gateway.upstream.UpstreamFailure}. Depends on nothing of the call path, so
 * the executors ({@code execution.http}, {@code execution.mcp}, {@code sql}) and the guards
 * ({@code resilience}) can use it without a package cycle.
 */
package dev.toolgate.gateway.upstream;
