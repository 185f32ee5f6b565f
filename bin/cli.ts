#!/usr/bin/env node
/** `genesys-rotator`: the operator CLI (cli/main.ts), wired to the real process. */
import { runCli } from '../cli/main';

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stderr.isTTY,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`genesys-rotator: unexpected failure: ${error instanceof Error ? error.name : 'unknown'}\n`);
    process.exitCode = 1;
  },
);
