/** The training engine: pure TypeScript, no imports outside this folder, runs in Node and the browser. */
export * from "./activations";
export * from "./datasets";
export * from "./edits";
export * from "./features";
export * from "./more-datasets";
export * from "./layout";
export * from "./loss";
export * from "./names";
export * from "./network";
export * from "./random";
export * from "./replay";
export * from "./schedule";
export * from "./stop";
export * from "./trace";
export * from "./trainer";
export * from "./types";
