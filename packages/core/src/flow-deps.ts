/**
 * What the enrolment engine, the sign-in challenge and admin share: `createMfa` builds it once.
 *
 * @module
 */

import type { UnitOfWork } from "./account/unit-of-work.js";
import type { AppPasswordService } from "./app-passwords/types.js";
import type { CodeService } from "./codes/code-service.js";
import type { RememberedDevices } from "./devices/remembered-devices.js";
import type { Messenger } from "./enrolment/messenger.js";
import type { FactorRegistry } from "./factors/registry.js";
import type { Gate } from "./flows/gate.js";
import type { Limiter } from "./limits/limits.js";
import type { WebAuthnContext } from "./passkeys/passkey-factor.js";
import type { Policy } from "./policy/policy.js";
import type { Clock } from "./ports/clock.js";
import type { EventSink } from "./ports/events.js";
import type { SendRiskHook } from "./ports/risk.js";
import type { Store } from "./ports/store.js";
import type { FailoverSettings } from "./receipts/delivery-failover.js";
import type { DeliveryLog } from "./receipts/delivery-log.js";
import type { RecoveryCodes } from "./recovery-codes/recovery-codes.js";
import type { RegistrationStore } from "./registration/registration.js";
import type { TotpService } from "./totp/service.js";

/** The building blocks every flow uses, over one action's unit of work. */
export interface FlowDeps {
  /** The action's unit of work: its store is `store`; `commit()` makes the action durable. */
  readonly unit: UnitOfWork;
  readonly store: Store;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly policy: Policy;
  /** The instance's factor modules (built-in and `createMfa`'s `factors`): every flow reads them. */
  readonly factors: FactorRegistry;
  readonly limiter: Limiter;
  readonly registrations: RegistrationStore;
  readonly codes: CodeService;
  readonly totp: TotpService;
  /** `null` when the policy turns app passwords off. */
  readonly appPasswords: AppPasswordService | null;
  readonly messenger: Messenger;
  /** The app's risk check before each send (SIM swap, bot score: PSTN-03, FRAUD-05). */
  readonly beforeSend: SendRiskHook;
  /** Remembered devices ("don't ask again on this device"). */
  readonly devices: RememberedDevices;
  /** Recovery codes (one-time backup codes for sign-in). */
  readonly recoveryCodes: RecoveryCodes;
  /** Step-up before, notice and event after, every state-changing action (BIND-01, BIND-02). */
  readonly gate: Gate;
  /** Accepted phone messages and their providers' receipts (the views' `delivery`). */
  readonly deliveries: DeliveryLog;
  /** When a code fails over to the failover senders; `null` when none are configured. */
  readonly failover: FailoverSettings | null;
  /** The passkey ceremonies' settings; `null` when `createMfa` was given no `webauthn`. */
  readonly webauthn: WebAuthnContext | null;
}
