/**
 * What one single-use case is: a plain async function over a store and a fake clock, so a test
 * can run it against a deliberately broken store and expect it to reject.
 *
 * @module
 */

import type { Store } from "@mfakit/core";
import type { FakeClock } from "../fake-clock.js";

/** What one case runs against. */
export interface SingleUseContext {
  /** The store under test; the cases write only under their own random user ids. */
  readonly store: Store;
  /** The clock the SDK runs on (the cases only move it forward). */
  readonly clock: FakeClock;
}

/** One case: its title (with the SECURITY.md ids it proves) and what it runs. */
export interface SingleUseCase {
  readonly title: string;
  run(context: SingleUseContext): Promise<void>;
}
