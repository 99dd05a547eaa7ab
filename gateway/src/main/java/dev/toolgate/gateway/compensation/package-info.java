/**
 * Compensation of a session's side effects: how a tool's call is undone (its compensating tool and
 * the arguments built from the original call's arguments and result), stored per tool for every
 * integration kind, and {@code CompensateSession}, which runs the compensations of a session's
 * succeeded side-effecting calls in reverse order, each exactly once, through the normal call path.
 */
package dev.toolgate.gateway.compensation;
