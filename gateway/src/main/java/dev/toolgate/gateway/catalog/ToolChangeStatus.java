package dev.toolgate.gateway.catalog;

/** Where a held definition change stands. */
public enum ToolChangeStatus {
    /** Waiting for an admin; the pinned definition serves (or the tool is refused in mode DISABLE). */
    PENDING,
    APPROVED,
    REJECTED,
    /** The upstream changed the tool again, back, or removed it before a decision. */
    SUPERSEDED
}
