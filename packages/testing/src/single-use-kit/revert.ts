/**
 * Single-use cases for the revert feature (filled in by that feature's change).
 *
 * @module
 */

import type { SingleUseCase } from "./case.js";

/** The revert cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = {};
