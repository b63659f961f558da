/**
 * @mfakit/cli: the `mfakit` command line, and its commands as functions for scripts and tests.
 *
 * @packageDocumentation
 */

export { type CliIo, EXIT, IMPORT_FORMATS, importCommand, main } from "./import-command.js";
export { type ProgressBar, progressBar } from "./progress.js";
export { SHOWN_ERRORS, summaryTable } from "./summary.js";
