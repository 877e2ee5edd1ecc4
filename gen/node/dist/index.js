"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.LEASE_TOKEN_METADATA_KEY = exports.grpc = void 0;
/**
 * Generated gRPC stubs for Node: `ojs.v1` (the OJS wire contract, `ojs.v1.OJSServiceClient`)
 * and `ojsgrpc.worker.v1` (ojs-grpc's worker-stream extension).
 *
 * `grpc` is the very @grpc/grpc-js these clients are built on: create credentials and
 * metadata from it, because grpc-js refuses credentials made by another copy of itself.
 */
__exportStar(require("./proto/index"), exports);
exports.grpc = __importStar(require("@grpc/grpc-js"));
/** gRPC metadata key carrying the attempt a worker holds on Ack, Nack and Heartbeat. */
exports.LEASE_TOKEN_METADATA_KEY = "x-ojs-lease-token";
