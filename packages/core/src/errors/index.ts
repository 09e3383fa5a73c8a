export { AuthError } from "./auth-error.ts";
export { ConfigError, type ConfigIssue } from "./config-error.ts";
export { DuplicateColumnsError } from "./duplicate-columns-error.ts";
export { HttpError } from "./http-error.ts";
export { LoadInProgressError } from "./load-in-progress-error.ts";
export { LockLostError } from "./lock-lost-error.ts";
export { ParleyError } from "./parley-error.ts";
export { SchemaError } from "./schema-error.ts";
export { StateError } from "./state-error.ts";
