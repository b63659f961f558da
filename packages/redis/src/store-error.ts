/**
 * Maps driver failures to the Store port's typed errors.
 *
 * @module
 */

import { isMfaError, MfaError } from "@mfakit/core";
import { DEADLINE_EXCEEDED } from "@mfakit/core/adapter";
import { foreignValue } from "./envelope.js";
import { DEADLINE_PASSED, FOREIGN_VALUE, NOT_INTEGER } from "./lua-scripts.js";

/**
 * The typed error for a failed Redis call: `store_invalid_operation` when the key's data does
 * not allow the operation (a script's refusal, `WRONGTYPE`), otherwise `store_unavailable`
 * (connection refused or closed, timeouts, `LOADING`, `OOM`, cluster down, ...), with
 * `data.code: "deadline_exceeded"` when the call ran out of time on the client or a write
 * script refused to run past its deadline on the server.
 *
 * ioredis attaches the failed command's arguments to reply errors (`error.command.args`): they
 * hold stored values, so they are removed before the error becomes a `cause` that may be logged
 * (STORE-06).
 */
export function storeError(error: unknown, operation: string): MfaError {
  if (isMfaError(error)) return error;
  if (error instanceof Error && "command" in error) {
    const command = (error as { command?: { name?: unknown } }).command;
    (error as { command?: unknown }).command = { name: command?.name };
  }
  const message = error instanceof Error ? error.message : "";
  if (message.includes(NOT_INTEGER)) {
    return new MfaError("store_invalid_operation", {
      message: "The key does not hold an integer counter.",
      data: { operation },
      cause: error,
    });
  }
  if (message.includes(FOREIGN_VALUE) || message.startsWith("WRONGTYPE")) {
    return foreignValue(operation, error);
  }
  const late =
    message.includes(DEADLINE_PASSED) ||
    (error as { code?: unknown } | null)?.code === DEADLINE_EXCEEDED;
  return new MfaError("store_unavailable", {
    data: { operation, ...(late ? { code: DEADLINE_EXCEEDED } : {}) },
    cause: error,
  });
}
