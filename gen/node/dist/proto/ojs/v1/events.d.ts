import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
/** One thing that happened to a job, a workflow or the stream itself. */
export interface Event {
    /** Event identifier ("evt_" followed by a UUIDv7). */
    id: string;
    /** Dotted event name, e.g. "job.completed" or "stream.keepalive". */
    type: string;
    /** Job the event is about; empty for non-job events. */
    jobId: string;
    /** Type of that job. */
    jobType: string;
    /** Queue of that job. */
    queue: string;
    /** When the event happened. */
    timestamp: Date | undefined;
    /** Event-specific payload. */
    data: {
        [key: string]: any;
    } | undefined;
    /** Workflow the event belongs to, if any. */
    workflowId: string;
}
/** Subscription filter; all given filters must match, an empty filter matches everything. */
export interface StreamEventsRequest {
    /** Only events of these queues. */
    queues: string[];
    /** Only events of these types. */
    eventTypes: string[];
    /** Only events of this job. */
    jobId: string;
    /** Only events of this workflow. */
    workflowId: string;
}
export declare const Event: MessageFns<Event>;
export declare const StreamEventsRequest: MessageFns<StreamEventsRequest>;
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
