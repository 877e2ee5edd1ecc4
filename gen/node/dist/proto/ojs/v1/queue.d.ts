import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { Job } from "./job";
export interface ListQueuesRequest {
    /** Page size (server default 100 when 0). */
    limit: number;
    /** Opaque cursor from a previous page. */
    cursor: string;
}
export interface ListQueuesResponse {
    queues: QueueInfo[];
    /** Empty when there are no more pages. */
    nextCursor: string;
}
/** Summary of one queue. */
export interface QueueInfo {
    name: string;
    paused: boolean;
    /** Jobs ready to be fetched. */
    availableCount: number;
    createdAt: Date | undefined;
}
export interface QueueStatsRequest {
    queue: string;
}
export interface QueueStatsResponse {
    queue: string;
    stats: QueueStatistics | undefined;
}
/** Counters and rates of one queue. */
export interface QueueStatistics {
    available: number;
    active: number;
    scheduled: number;
    retryable: number;
    /** Jobs in the dead-letter set. */
    dead: number;
    completedLastHour: number;
    failedLastHour: number;
    avgDurationMs: number;
    avgWaitMs: number;
    throughputPerSecond: number;
    paused: boolean;
}
export interface PauseQueueRequest {
    queue: string;
}
export interface PauseQueueResponse {
}
export interface ResumeQueueRequest {
    queue: string;
}
export interface ResumeQueueResponse {
}
export interface ListDeadLetterRequest {
    /** Optional queue filter. */
    queue: string;
    /** Page size (server default 50 when 0). */
    limit: number;
    cursor: string;
}
export interface ListDeadLetterResponse {
    jobs: Job[];
    totalCount: number;
    nextCursor: string;
}
/** Put a dead job back into its queue. */
export interface RetryDeadLetterRequest {
    jobId: string;
}
export interface RetryDeadLetterResponse {
    job: Job | undefined;
}
/** Remove a job from the dead-letter set for good. */
export interface DeleteDeadLetterRequest {
    jobId: string;
}
export interface DeleteDeadLetterResponse {
}
export declare const ListQueuesRequest: MessageFns<ListQueuesRequest>;
export declare const ListQueuesResponse: MessageFns<ListQueuesResponse>;
export declare const QueueInfo: MessageFns<QueueInfo>;
export declare const QueueStatsRequest: MessageFns<QueueStatsRequest>;
export declare const QueueStatsResponse: MessageFns<QueueStatsResponse>;
export declare const QueueStatistics: MessageFns<QueueStatistics>;
export declare const PauseQueueRequest: MessageFns<PauseQueueRequest>;
export declare const PauseQueueResponse: MessageFns<PauseQueueResponse>;
export declare const ResumeQueueRequest: MessageFns<ResumeQueueRequest>;
export declare const ResumeQueueResponse: MessageFns<ResumeQueueResponse>;
export declare const ListDeadLetterRequest: MessageFns<ListDeadLetterRequest>;
export declare const ListDeadLetterResponse: MessageFns<ListDeadLetterResponse>;
export declare const RetryDeadLetterRequest: MessageFns<RetryDeadLetterRequest>;
export declare const RetryDeadLetterResponse: MessageFns<RetryDeadLetterResponse>;
export declare const DeleteDeadLetterRequest: MessageFns<DeleteDeadLetterRequest>;
export declare const DeleteDeadLetterResponse: MessageFns<DeleteDeadLetterResponse>;
type Builtin = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial<T> = T extends Builtin ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial<U>> : T extends {} ? {
    [K in keyof T]?: DeepPartial<T[K]>;
} : Partial<T>;
interface MessageFns<T> {
    encode(message: T, writer?: BinaryWriter): BinaryWriter;
    decode(input: BinaryReader | Uint8Array, length?: number): T;
    fromJSON(object: any): T;
    toJSON(message: T): unknown;
    create(base?: DeepPartial<T>): T;
    fromPartial(object: DeepPartial<T>): T;
}
export {};
