export * from "./si-prefix";
