/**
 * Plain Node programs that use the consumer client as an integration would, with no TypeScript loader:
 * one CommonJS (`require`), one ES module (`import`). The client is named by `specifier` (a path to
 * the built bundle, or `genesys-oauth-rotator/client` once installed from a tarball), and the programs
 * find Secrets Manager and Genesys Cloud through the standard variables, as in production.
 *
 * Each program gets a token, calls `GET /api/v2/tokens/me` with it, and prints one JSON line:
 * `{ status, oauthClientId, errorName, execArgv, nodeOptions }` (never the token).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface ProgramResult {
  readonly status: number;
  readonly oauthClientId: string;
  /** `new GenesysAuthError(...).name`: the bundle keeps class names. */
  readonly errorName: string;
  /** What the program ran with: proof that no loader was involved. */
  readonly execArgv: readonly string[];
  readonly nodeOptions: string | null;
}

const body = (importLine: string): string => `${importLine}
async function main() {
  const provider = createCredentialProvider({ secretId: process.env.SECRET_ID });
  const token = await provider.getAccessToken();
  const response = await fetch(process.env.GENESYS_CLOUD_BASE_URL + '/api/v2/tokens/me', { headers: { authorization: 'Bearer ' + token } });
  const me = await response.json();
  const errorName = new GenesysAuthError('probe', { method: 'GET', path: '/' }).name;
  process.stdout.write(JSON.stringify({ status: response.status, oauthClientId: me.OAuthClient && me.OAuthClient.id, errorName, execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? null }));
}
main().catch((error) => {
  // Name and message only: never a token.
  process.stderr.write(String(error && error.name) + ': ' + String(error && error.message));
  process.exitCode = 1;
});
`;

/** Write both programs into `dir`; `specifier` is what they require / import. */
export function writeConsumerPrograms(dir: string, specifier: string): { cjs: string; esm: string } {
  const cjs = path.join(dir, 'consumer.cjs');
  const esm = path.join(dir, 'consumer.mjs');
  writeFileSync(cjs, body(`'use strict';\nconst { createCredentialProvider, GenesysAuthError } = require(${JSON.stringify(specifier)});`));
  writeFileSync(esm, body(`import { createCredentialProvider, GenesysAuthError } from ${JSON.stringify(specifier)};`));
  return { cjs, esm };
}

/**
 * Run `file` with plain `node` and only the environment given (plus PATH): no NODE_OPTIONS, no loader.
 * Rejects with the program's stderr if it fails or has not exited within `timeoutMs` (a handle left open).
 */
export function runConsumerProgram(file: string, env: Readonly<Record<string, string>>, timeoutMs = 20_000): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${path.basename(file)} failed (${error.signal ?? `exit ${String(error.code)}`}): ${stderr}`));
        return;
      }
      resolve(JSON.parse(stdout) as ProgramResult);
    });
  });
}
