export * as worker from "./index.ojsgrpc.worker";
