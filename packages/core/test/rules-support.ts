/** Shared by the rules tests: what an input was refused with. */
import { isMfaError, type MfaErrorCode, type MfaErrorData } from "@mfakit/core";

/** Runs `fn` and returns the code and data of the MfaError it throws; anything else fails. */
export function mfaErrorOf(fn: () => unknown): { code: MfaErrorCode; data: MfaErrorData } {
  try {
    fn();
  } catch (e) {
    if (isMfaError(e)) return { code: e.code, data: e.data };
    throw e;
  }
  throw new Error("expected an MfaError, nothing was thrown");
}

/** Runs `fn`; returns its result, or null when it threw an MfaError (anything else propagates). */
export function acceptedOrNull<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    if (isMfaError(e)) return null;
    throw e;
  }
}
