export * from "./si-prefix";
export * from "./procedure/schema";
export * from "./procedure/plan";
export * from "./procedure/run-state";
export * from "./procedure/parse";
export * from "./procedure/expressions";
export * from "./procedure/point-inputs";
