/**
 * The Entra facts contract lives in src/model/facts/entra.ts (issue #25 item 4). This re-export keeps the
 * Conditional Access engine's imports as they are until the engine moves out of src/link (item 7).
 */
export * from "../../model/facts/entra.js";
