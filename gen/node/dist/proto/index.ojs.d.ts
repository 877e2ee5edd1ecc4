export * as v1 from "./index.ojs.v1";
