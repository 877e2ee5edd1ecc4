export * as google from "./index.google";
export * as ojs from "./index.ojs";
export * as ojsgrpc from "./index.ojsgrpc";
