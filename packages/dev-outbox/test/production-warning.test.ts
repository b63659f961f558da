import { devOutbox, type OutputStream } from "@mfakit/dev-outbox";
import { afterEach, expect, it } from "vitest";

const previous = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = previous;
});

it("prints a one-line warning once per process when NODE_ENV=production", () => {
  const chunks: string[] = [];
  const stream: OutputStream = { write: (c: string) => chunks.push(c) };
  process.env.NODE_ENV = "production";
  devOutbox({ stream, print: false });
  devOutbox({ stream, print: false });
  const text = chunks.join("");
  expect(text.split("\n").filter(Boolean)).toHaveLength(1);
  expect(text).toMatch(/^\[mfakit dev-outbox\] WARNING: NODE_ENV=production.*NOT delivered\.\n$/);
});
