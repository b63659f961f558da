/**
 * Single-use cases for the temporary access pass feature (filled in by that feature's change).
 *
 * @module
 */

import type { SingleUseCase } from "./case.js";

/** The temporary access pass cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = {};
