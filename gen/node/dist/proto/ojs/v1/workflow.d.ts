import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { EnqueueOptions } from "./job";
export declare enum WorkflowState {
    WORKFLOW_STATE_UNSPECIFIED = 0,
    WORKFLOW_STATE_RUNNING = 1,
    WORKFLOW_STATE_COMPLETED = 2,
    WORKFLOW_STATE_FAILED = 3,
    WORKFLOW_STATE_CANCELLED = 4,
    UNRECOGNIZED = -1
}
export declare function workflowStateFromJSON(object: any): WorkflowState;
export declare function workflowStateToJSON(object: WorkflowState): string;
export declare enum WorkflowStepState {
    WORKFLOW_STEP_STATE_UNSPECIFIED = 0,
    /** WORKFLOW_STEP_STATE_WAITING - Dependencies not yet satisfied. */
    WORKFLOW_STEP_STATE_WAITING = 1,
    WORKFLOW_STEP_STATE_PENDING = 2,
    WORKFLOW_STEP_STATE_ACTIVE = 3,
    WORKFLOW_STEP_STATE_COMPLETED = 4,
    WORKFLOW_STEP_STATE_FAILED = 5,
    WORKFLOW_STEP_STATE_CANCELLED = 6,
    UNRECOGNIZED = -1
}
export declare function workflowStepStateFromJSON(object: any): WorkflowStepState;
export declare function workflowStepStateToJSON(object: WorkflowStepState): string;
/** A workflow and the status of each of its steps. */
export interface Workflow {
    id: string;
    name: string;
    state: WorkflowState;
    steps: WorkflowStepStatus[];
    createdAt: Date | undefined;
    completedAt: Date | undefined;
}
/** A step as submitted when creating a workflow. */
export interface WorkflowStep {
    /** Step identifier, unique within the workflow. */
    id: string;
    /** Job type to run. */
    type: string;
    args: any[];
    /** Step ids that must complete first. */
    dependsOn: string[];
    options: EnqueueOptions | undefined;
}
/** Runtime status of one step. */
export interface WorkflowStepStatus {
    id: string;
    type: string;
    state: WorkflowStepState;
    /** Job created for the step, once it exists. */
    jobId: string;
    dependsOn: string[];
}
export interface CreateWorkflowRequest {
    name: string;
    steps: WorkflowStep[];
}
export interface CreateWorkflowResponse {
    workflow: Workflow | undefined;
}
export interface GetWorkflowRequest {
    workflowId: string;
}
export interface GetWorkflowResponse {
    workflow: Workflow | undefined;
}
export interface CancelWorkflowRequest {
    workflowId: string;
    reason: string;
}
export interface CancelWorkflowResponse {
    workflow: Workflow | undefined;
}
export declare const Workflow: MessageFns<Workflow>;
export declare const WorkflowStep: MessageFns<WorkflowStep>;
export declare const WorkflowStepStatus: MessageFns<WorkflowStepStatus>;
export declare const CreateWorkflowRequest: MessageFns<CreateWorkflowRequest>;
export declare const CreateWorkflowResponse: MessageFns<CreateWorkflowResponse>;
export declare const GetWorkflowRequest: MessageFns<GetWorkflowRequest>;
export declare const GetWorkflowResponse: MessageFns<GetWorkflowResponse>;
export declare const CancelWorkflowRequest: MessageFns<CancelWorkflowRequest>;
export declare const CancelWorkflowResponse: MessageFns<CancelWorkflowResponse>;
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
