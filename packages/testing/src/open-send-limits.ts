/**
 * Send limits wide open, for kits whose every run is a new user from one number prefix and
 * country: they test something else (failure caps, crashes) and must not trip on a send window.
 * No resend cooldown: on Redis it runs on the server's clock, which a kit cannot move.
 *
 * @module
 */

import type { LimitsInput } from "@mfakit/core";

/** Send windows no kit run comes near, and no cooldown. */
export const openSendLimits = {
  destinationCooldownSeconds: 0,
  perDestinationPerHour: 1000,
  perUserPerHour: 1000,
  perIpPerHour: 100_000,
  perPrefixPerHour: 100_000,
  perCountryPerHour: 1_000_000,
  globalPerHour: 1_000_000,
} as const satisfies LimitsInput;
