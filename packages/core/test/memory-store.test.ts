import { memoryStore } from "@mfakit/core";
import { fakeClock, testStore } from "@mfakit/testing";

const clock = fakeClock();

testStore({
  name: "memory",
  create: () => memoryStore({ clock }),
  advance: (ms) => clock.advance(ms),
});
