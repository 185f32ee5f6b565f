import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

jest.setTimeout(30_000);

/** An implementation that ends a listing with `NextToken: ""` and reads `""` as "from the start". */
const EMPTY_FINAL_TOKEN = { pageSize: 2, emptyFinalToken: true } as const;
/** Without the fix the CLI lists for ever: fail the test well before the file's timeout. */
const LOOP_BOUND_MS = 10_000;

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

describe('CLI paging', () => {
  const clock = new ShiftableClock();
  let sandbox: Sandbox;
  let dir: string;
  let jobsVersions: string[];
  /** The report as written with Secrets Manager's own paging. */
  let baselineHtml: string;

  beforeAll(async () => {
    sandbox = await startSandbox(clock);
    dir = await mkdtemp(join(tmpdir(), 'rotator-paging-'));
    const org = await sandbox.createOrg('Acme');
    clock.daysAgo(20);
    await sandbox.addManagedClient(org, { name: 'crm', strategy: 'single' });
    await sandbox.addManagedClient(org, { name: 'billing', strategy: 'single' });
    const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    clock.daysAgo(10);
    await sandbox.rotate(jobs.secretArn);
    clock.daysAgo(5);
    await sandbox.rotate(jobs.secretArn);
    clock.present();
    jobsVersions = sandbox.aws.secretsManager.versions(jobs.secretArn).map((v) => v.versionId);
    const baseline = join(dir, 'baseline.html');
    expect((await runAgainst(sandbox, ['report', '--html', baseline, '--skip-usage'])).code).toBe(0);
    baselineHtml = await readFile(baseline, 'utf8');
    for (const versionId of jobsVersions) expect(baselineHtml).toContain(versionId);
  });

  afterEach(() => {
    sandbox.aws.secretsManager.paging = {};
  });

  afterAll(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops listing on an empty NextToken as well as a missing one (ListSecrets and ListSecretVersionIds)', async () => {
    // Prepare: 4 managed secrets in pages of 2; jobs has 3 versions, also in pages of 2
    sandbox.aws.secretsManager.paging = EMPTY_FINAL_TOKEN;
    sandbox.aws.resetCounts();
    const file = join(dir, 'report.html');

    // Act
    const run = await runAgainst(sandbox, ['report', '--html', file, '--json', '--skip-usage']);

    // Assess: every secret and every version listed once, each listing one request per page
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { secrets: { name: string }[] };
    expect(out.secrets.map((s) => s.name)).toEqual([
      'genesys-rotator/acme/admin',
      'genesys-rotator/acme/billing',
      'genesys-rotator/acme/crm',
      'genesys-rotator/acme/jobs',
    ]);
    expect(jobsVersions).toHaveLength(3);
    const html = await readFile(file, 'utf8');
    for (const versionId of jobsVersions) expect(occurrences(html, versionId)).toBe(occurrences(baselineHtml, versionId));
    const counts = sandbox.aws.requestCounts();
    expect(counts.ListSecrets).toBe(2);
    // admin, billing, crm: one version each (one page); jobs: three versions (two pages)
    expect(counts.ListSecretVersionIds).toBe(5);
  }, LOOP_BOUND_MS);

  it('lists the same with the paging Secrets Manager itself uses (no NextToken on the last page)', async () => {
    // Prepare
    sandbox.aws.secretsManager.paging = { pageSize: 2 };
    sandbox.aws.resetCounts();

    // Act
    const run = await runAgainst(sandbox, ['status', '--json', '--skip-usage']);

    // Assess
    const out = JSON.parse(run.stdout) as { secrets: { name: string }[] };
    expect(out.secrets).toHaveLength(4);
    expect(sandbox.aws.requestCounts().ListSecrets).toBe(2);
  }, LOOP_BOUND_MS);
});
