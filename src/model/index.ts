export * from "./access/index.js";
export * from "./coverage.js";
export * from "./evidence.js";
export * from "./inventory.js";
export * from "./result.js";
export * from "./tenant-inventory.js";
export * from "./vocabulary.js";
export * from "./ways-in.js";
