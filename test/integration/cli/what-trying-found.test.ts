/**
 * What trying the CLI as a new user found (issue "From an organisation to managed rotation in
 * minutes", point 6, the CLI's part): each case as it was met, and what the CLI says now.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretDocument } from '../../../lambdas/core/secret-document';
import type { ManagedClient, Sandbox, SandboxOrg } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..', '..');

interface StatusJson {
  summary: { total: number; ok: number; failed: number; failing: number };
  secrets: { name: string; clientId: string | null; strategy: string | null; alternateClientId: string | null; documentError: string | null }[];
}

describe('What trying the CLI found', () => {
  const clock = new ShiftableClock();
  let sandbox: Sandbox;
  let org: SandboxOrg;
  let crm: ManagedClient;
  let jobs: ManagedClient;
  let badRegion: ManagedClient;

  beforeAll(async () => {
    sandbox = await startSandbox(clock);
    org = await sandbox.createOrg('Acme');
    crm = await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    badRegion = await sandbox.addManagedClient(org, { name: 'emea', strategy: 'alternating' });
    for (const managed of [org.adminSecretArn, crm.secretArn, jobs.secretArn, badRegion.secretArn]) await sandbox.scheduleRotation(managed);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  describe('a document with an unknown region', () => {
    beforeAll(async () => {
      const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: badRegion.secretArn }));
      const doc = parseSecretDocument(out.SecretString);
      await sandbox.secretsManager.send(new PutSecretValueCommand({ SecretId: badRegion.secretArn, SecretString: JSON.stringify({ ...doc, environment: 'mypurecloud.example' }) }));
    });

    it('status: the summary does not count the FAILED row as ok', async () => {
      // Act
      const table = await runAgainst(sandbox, ['status', '--skip-usage']);
      const json = JSON.parse((await runAgainst(sandbox, ['status', '--skip-usage', '--json'])).stdout) as StatusJson;

      // Assess
      expect(table.code).toBe(1);
      expect(table.stdout).toMatch(/^genesys-rotator\/acme\/emea .* FAILED /m);
      expect(table.stdout).toContain('4 managed secrets: 3 ok, 0 due soon, 0 overdue, 0 stuck, 1 FAILED -> FAIL');
      expect(json.summary).toMatchObject({ total: 4, ok: 3, failed: 1, failing: 1 });
    });

    it('report: the summary does not count it as ok either', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'what-trying-found-'));
      try {
        const run = await runAgainst(sandbox, ['report', '--html', join(dir, 'report.html'), '--skip-usage']);

        expect(run.stdout).toContain('4 managed secrets: 3 ok, 0 due soon, 0 overdue, 0 stuck, 1 FAILED.');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('status: still shows its client ids and strategy, and why it is unusable', async () => {
      const json = JSON.parse((await runAgainst(sandbox, ['status', '--skip-usage', '--json'])).stdout) as StatusJson;
      const table = await runAgainst(sandbox, ['status', '--skip-usage']);

      const emea = json.secrets.find((s) => s.name === 'genesys-rotator/acme/emea');
      expect(emea).toMatchObject({ clientId: badRegion.clientIds[0], alternateClientId: badRegion.clientIds[1], strategy: 'alternating' });
      expect(emea?.documentError).toContain('got "mypurecloud.example"');
      expect(table.stdout).toMatch(new RegExp(`^genesys-rotator/acme/emea +alternating +${badRegion.clientIds[0] ?? ''} `, 'm'));
    });
  });

  describe('rotate --timeout 0', () => {
    it('says the rotation has not finished yet, not that it failed', async () => {
      // Act
      const run = await runAgainst(sandbox, ['rotate', 'genesys-rotator/acme/jobs', '--timeout', '0', '--skip-usage']);
      const json = await runAgainst(sandbox, ['rotate', 'genesys-rotator/acme/crm', '--timeout', '0', '--skip-usage', '--json']);
      await sandbox.aws.secretsManager.waitForAllRotations();

      // Assess
      expect(run.code).toBe(1);
      expect(run.stdout).not.toMatch(/fail/i);
      expect(run.stdout).toMatch(/^NOT FINISHED within 0 s: version \S+ is not AWSCURRENT yet; the rotation goes on/m);
      expect(run.stdout).toMatch(/createSecret {2}pending/);
      const result = JSON.parse(json.stdout) as { outcome: string; succeeded: boolean; steps: { step: string; status: string }[] };
      expect(result).toMatchObject({ outcome: 'not-finished', succeeded: false });
      expect(result.steps.map((s) => s.status)).not.toContain('failed');
      // and it did finish meanwhile
      expect((await runAgainst(sandbox, ['status', '--skip-usage', '--json'])).stdout).not.toContain('"state": "stuck"');
    });
  });

  describe('argument errors', () => {
    it.each([
      [['status', '--due-soon-days', '-3'], 'field "--due-soon-days": expected a number >= 0 (got "-3")'],
      [['rotate', 'genesys-rotator/acme/crm', '--timeout'], 'field "--timeout": expected a value: --timeout SECONDS'],
      [['status', '--skip-usage=yes'], 'field "--skip-usage": expected no value (a switch: --skip-usage)'],
      [['emergency', 'genesys-rotator/acme/crm', '--reason', '--yes'], 'field "--reason": expected a value: --reason TEXT (got the option "--yes")'],
      [['status', '--colour'], `Unknown option '--colour' for "status": field "--colour": expected one of --due-soon-days`],
    ])('%j: says what is wrong in our words, without the parser internals', async (argv, message) => {
      const run = await runAgainst(sandbox, argv, { noEndpointFlags: true });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/ambiguous|XYZ|Did you forget|place it at the end|argument missing|does not take an argument/);
    });
  });

  describe('a secret without a rotation function', () => {
    it('rotate: exits 1 with a hint, not the raw InvalidRequestException, and nothing changed', async () => {
      // Prepare: created as a script around the sandbox would, without the stack's RotationSchedule
      const bare = await sandbox.addManagedClient(org, { name: 'bare', strategy: 'single' });
      const versions = sandbox.aws.secretsManager.versions(bare.secretArn);

      // Act
      const run = await runAgainst(sandbox, ['rotate', bare.secretArn, '--skip-usage']);
      const status = await runAgainst(sandbox, ['status', '--skip-usage']);

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Secret genesys-rotator/acme/bare has no rotation function configured');
      expect(run.stderr).toContain('genesys-rotator local');
      expect(run.stderr).not.toContain("You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured");
      expect(sandbox.aws.secretsManager.versions(bare.secretArn)).toEqual(versions);
      expect(status.stdout).toContain('genesys-rotator/acme/bare: rotation is not configured (no rotation function): it never rotates');
    });
  });

  describe('emergency of a single client', () => {
    it('says its leaked secret was revoked and consumers use a new secret of the same client', async () => {
      const run = await runAgainst(sandbox, ['emergency', 'genesys-rotator/acme/crm', '--reason', 'pasted in a ticket', '--yes', '--skip-usage']);

      expect(run.code).toBe(0);
      const client = crm.clientIds[0] ?? '';
      expect(run.stdout).not.toMatch(/Revoked: client (\S+); consumers now use client \1/);
      expect(run.stdout).toMatch(new RegExp(`^Revoked: the leaked secret of client ${client} \\(regenerated: it no longer works\\); consumers now use its new secret \\(version \\S+\\)\\.$`, 'm'));
    });
  });
});

describe('What trying the CLI found: no AWS credentials', () => {
  it('gets a hint on what to set, and on the local stand-ins', async () => {
    // Prepare: a shell with no AWS variables, no ~/.aws, no instance metadata
    const home = mkdtempSync(join(tmpdir(), 'no-aws-'));
    try {
      // Act
      const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [join(ROOT, 'bin', 'genesys-rotator.cjs'), 'status', '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9'],
          { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 30_000 },
          (error, _stdout, stderr) => {
            resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr });
          },
        );
      });

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('no AWS credentials found');
      expect(run.stderr).toContain('AWS_PROFILE');
      expect(run.stderr).toContain('genesys-rotator local');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
