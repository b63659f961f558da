import { isMfaError } from "@mfakit/core/adapter";
import { DEV_OUTBOX_PRODUCTION_OPT_IN, devOutbox, type OutputStream } from "@mfakit/dev-outbox";
import { afterEach, expect, it } from "vitest";

const previous = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = previous;
});

const capture = () => {
  const chunks: string[] = [];
  const stream: OutputStream = { write: (c: string) => chunks.push(c) };
  return { stream, text: () => chunks.join("") };
};

it("REL-04 STORE-06: refuses to start with NODE_ENV=production unless the app opts in by name", () => {
  const out = capture();
  for (const env of ["production", " Production "]) {
    process.env.NODE_ENV = env;
    let thrown: unknown;
    try {
      devOutbox({ stream: out.stream, print: false });
    } catch (e) {
      thrown = e;
    }
    expect(isMfaError(thrown, "config_invalid"), env).toBe(true);
    expect((thrown as Error).message).toContain('allowInProduction: "codes are not delivered"');
    expect(isMfaError(thrown) && thrown.data.field).toBe("allowInProduction");
  }
  // A stray true, or other words, is not the opt-in.
  for (const allowInProduction of [true, "yes", "Codes are not delivered"] as const) {
    expect(() =>
      devOutbox({
        stream: out.stream,
        print: false,
        allowInProduction: allowInProduction as typeof DEV_OUTBOX_PRODUCTION_OPT_IN,
      }),
    ).toThrow(/NODE_ENV=production/);
  }
  expect(out.text()).toBe("");
  // Outside production nothing is needed.
  process.env.NODE_ENV = "development";
  expect(devOutbox({ stream: out.stream, print: false }).sms.id).toBe("dev-outbox-sms");
});

it("opted in, it starts and prints a one-line warning once per process", () => {
  const out = capture();
  process.env.NODE_ENV = "production";
  const allowInProduction = DEV_OUTBOX_PRODUCTION_OPT_IN;
  devOutbox({ stream: out.stream, print: false, allowInProduction });
  devOutbox({ stream: out.stream, print: false, allowInProduction });
  expect(out.text().split("\n").filter(Boolean)).toHaveLength(1);
  expect(out.text()).toMatch(
    /^\[mfakit dev-outbox\] WARNING: NODE_ENV=production.*NOT delivered\.\n$/,
  );
});
