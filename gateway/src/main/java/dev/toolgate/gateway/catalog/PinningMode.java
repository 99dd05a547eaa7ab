package dev.toolgate.gateway.catalog;

/** What a tenant's held definition changes do until an admin decides (docs/catalog.md). */
public enum PinningMode {
    /** The pinned definition keeps serving (the default). */
    HOLD,
    /** The tool is refused with FAILED_PRECONDITION {@code TOOL_DEFINITION_HELD}. */
    DISABLE,
    /** Changes apply at once; nothing is held. */
    OFF
}
