export * from "./coverage.js";
export * from "./evidence.js";
export * from "./inventory.js";
export * from "./result.js";
export * from "./vocabulary.js";
export * from "./ways-in.js";
