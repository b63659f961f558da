/**
 * The single-use kit: every one-time secret of the SDK (a recovery code, a one-time Temporary
 * Access Pass, a "this wasn't me" revert link, a passkey's challenge) used by many requests at
 * once, on a given store, through the public `createMfa` API: exactly one use succeeds (LIFE-03,
 * REL-01); and what a user keeps a list of (remembered devices) written by many requests at once:
 * no write is lost.
 *
 * A secret that is read, checked and then marked used in separate steps is accepted by every
 * request that read it before the first one wrote: only a store whose compare-and-set holds keeps
 * it to one. Each case is a plain async function ({@link singleUseCases}), so a test can also run
 * one against a broken store and expect it to reject; {@link testSingleUse} registers them all
 * with vitest.
 *
 * @module
 */

import type { Store } from "@mfakit/core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type FakeClock, fakeClock } from "../fake-clock.js";
import type { SingleUseCase } from "./case.js";
import { cases as deliveryReceipts } from "./delivery-receipts.js";
import { cases as passkeys } from "./passkeys.js";
import { cases as recoveryCodes } from "./recovery-codes.js";
import { cases as rememberedDevices } from "./remembered-devices.js";
import { cases as revert } from "./revert.js";
import { cases as temporaryAccessPass } from "./temporary-access-pass.js";

export type { SingleUseCase, SingleUseContext } from "./case.js";

/** Every case, by name. */
export const singleUseCases: Readonly<Record<string, SingleUseCase>> = Object.freeze({
  ...recoveryCodes,
  ...temporaryAccessPass,
  ...revert,
  ...passkeys,
  ...rememberedDevices,
  ...deliveryReceipts,
});

/** How {@link testSingleUse} gets a store. */
export interface SingleUseKitOptions {
  /** Shown in the suite's title, e.g. `"postgres"`. */
  readonly name: string;
  /** Returns the store under test (called once, before the cases). */
  store(clock: FakeClock): Store | Promise<Store>;
  /** Closes what `store` opened. */
  cleanup?(): void | Promise<void>;
}

/** Registers every single-use case against a store, with vitest. */
export function testSingleUse(options: SingleUseKitOptions): void {
  describe(`Single use under parallel requests: ${options.name}`, () => {
    const clock = fakeClock();
    let store: Store | undefined;
    beforeAll(async () => {
      store = await options.store(clock);
    });
    afterAll(async () => {
      await options.cleanup?.();
    });
    for (const [name, kase] of Object.entries(singleUseCases)) {
      it(`${kase.title} [${name}]`, async () => {
        if (!store) throw new Error("no store");
        await kase.run({ store, clock });
      }, 60_000);
    }
  });
}
