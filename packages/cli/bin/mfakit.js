#!/usr/bin/env node
// The `mfakit` command: the built CLI with the process's own streams and environment.
import { main } from "../dist/index.js";

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
