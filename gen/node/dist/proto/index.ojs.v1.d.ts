export * from "./ojs/v1/events";
export * from "./ojs/v1/job";
export * from "./ojs/v1/queue";
export * from "./ojs/v1/worker";
export * from "./ojs/v1/workflow";
export * from "./ojs/v1/service";
