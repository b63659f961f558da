/**
 * Single-use cases for the recovery codes feature (filled in by that feature's change).
 *
 * @module
 */

import type { SingleUseCase } from "./case.js";

/** The recovery codes cases, by name. */
export const cases: Readonly<Record<string, SingleUseCase>> = {};
