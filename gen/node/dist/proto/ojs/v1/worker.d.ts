import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { Duration } from "../../google/protobuf/duration";
import { Job, JobError, JobState } from "./job";
/** Lifecycle state of a worker process, reported by it or directed by the server. */
export declare enum WorkerState {
    WORKER_STATE_UNSPECIFIED = 0,
    WORKER_STATE_RUNNING = 1,
    /** WORKER_STATE_QUIET - Finish current jobs but fetch no new ones. */
    WORKER_STATE_QUIET = 2,
    /** WORKER_STATE_TERMINATE - Shut down. */
    WORKER_STATE_TERMINATE = 3,
    UNRECOGNIZED = -1
}
export declare function workerStateFromJSON(object: any): WorkerState;
export declare function workerStateToJSON(object: WorkerState): string;
/** Claim jobs from the given queues, in the given order. */
export interface FetchRequest {
    queues: string[];
    /** How many jobs at most (1 when 0). */
    count: number;
    workerId: string;
}
export interface FetchResponse {
    /** Claimed jobs; empty when nothing is ready. */
    jobs: Job[];
}
/** Report a successful run. */
export interface AckRequest {
    jobId: string;
    result: {
        [key: string]: any;
    } | undefined;
}
export interface AckResponse {
    acknowledged: boolean;
}
/** Report a failed run. */
export interface NackRequest {
    jobId: string;
    error: JobError | undefined;
}
export interface NackResponse {
    /** State the job moved to. */
    state: JobState;
    /** When the next attempt is due, if it is retried. */
    nextAttemptAt: Date | undefined;
}
/** Keep a reservation alive and exchange worker state. */
export interface HeartbeatRequest {
    /** A job id for a per-job beat; empty or equal to worker_id for a worker-level beat. */
    id: string;
    /** The beating worker (required for worker-level beats). */
    workerId: string;
    /** Requested extension of the visibility deadline; unset means a full visibility timeout. */
    extendBy: Duration | undefined;
    currentState: WorkerState;
}
export interface HeartbeatResponse {
    /** What the server wants the worker to do next. */
    directedState: WorkerState;
    newDeadline: Date | undefined;
}
/** Open a server stream of claimed jobs. */
export interface StreamJobsRequest {
    queues: string[];
    /** Required; identifies the stream's reservations. */
    workerId: string;
    /** Unacknowledged jobs allowed in flight (1 when 0). */
    maxConcurrent: number;
}
export declare const FetchRequest: MessageFns<FetchRequest>;
export declare const FetchResponse: MessageFns<FetchResponse>;
export declare const AckRequest: MessageFns<AckRequest>;
export declare const AckResponse: MessageFns<AckResponse>;
export declare const NackRequest: MessageFns<NackRequest>;
export declare const NackResponse: MessageFns<NackResponse>;
export declare const HeartbeatRequest: MessageFns<HeartbeatRequest>;
export declare const HeartbeatResponse: MessageFns<HeartbeatResponse>;
export declare const StreamJobsRequest: MessageFns<StreamJobsRequest>;
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
