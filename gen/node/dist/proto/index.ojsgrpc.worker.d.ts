export * as v1 from "./index.ojsgrpc.worker.v1";
