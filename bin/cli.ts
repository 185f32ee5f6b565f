#!/usr/bin/env node
/** `genesys-rotator`: the operator CLI (cli/main.ts), wired to the real process. */
import { runCli } from '../cli/main';

/**
 * SIGINT or SIGTERM asks a command that runs until stopped (`local`) to stop cleanly; a second one,
 * while it is stopping, ends the process at once (exit 130).
 */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`genesys-rotator: ${signal} again: exiting without waiting\n`);
        process.exit(130);
      }
      stopping = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stderr.isTTY,
  env: process.env,
  untilStopped,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`genesys-rotator: unexpected failure: ${error instanceof Error ? error.name : 'unknown'}\n`);
    process.exitCode = 1;
  },
);
