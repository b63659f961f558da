/**
 * What each side of the peer comparison offers: its operations, each made of an untimed
 * preparation (a fresh user brought to where the operation starts) and the timed action.
 */
import type { ProbedDatabase } from "./sqlite-probe.ts";

/** The operations compared, in the order they are printed. */
export const OPERATIONS = [
  "totpEnrolment",
  "smsSendVerify",
  "totpSignIn",
  "backupCode",
  "enrolment",
] as const;
/** One compared operation. */
export type OperationName = (typeof OPERATIONS)[number];

/** Prepares a fresh user for one operation; resolves to the action to time. */
export type Prepare = () => Promise<() => Promise<void>>;

/** One side: mfakit or the peer. */
export interface Side {
  /** Names each operation as this side does it, e.g. `enableTwoFactor + verifyTOTP`. */
  readonly does: Readonly<Record<OperationName, string>>;
  /** The operations; null where this side has none yet (see the slot's note). */
  readonly operations: Readonly<Record<OperationName, Prepare | null>>;
  /** Its database file, probed. */
  readonly probe: ProbedDatabase;
  /** Calls through mfakit's store port so far; null for the peer (its SQL is counted instead). */
  storeCalls(): number | null;
  close(): Promise<void>;
}
