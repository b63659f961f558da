/**
 * Single-use cases for the passkeys feature (filled in by that feature's change).
 *
 * @module
 */

import type { SingleUseCase } from "./case.js";

/** The passkeys cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = {};
