import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import type { Sandbox } from '../../../local/sandbox';
import { TIMELINE_WIDTH } from '../../../cli/render/timeline-svg';
import { LEDGER_TABLE_TAG } from '../../../lambdas/core/ledger/record';
import { runAgainst, ShiftableClock, startSandbox, type CliRun } from './harness';
import { EMERGENCY_REASON, OPERATOR, startScenario, type Scenario } from './report-scenario';

jest.setTimeout(30_000);

type Node = DefaultTreeAdapterMap['childNode'] | DefaultTreeAdapterMap['document'];
type Element = DefaultTreeAdapterMap['element'];

function elements(node: Node): Element[] {
  const found: Element[] = [];
  const visit = (current: Node): void => {
    if ('tagName' in current) found.push(current);
    if ('childNodes' in current) for (const child of current.childNodes) visit(child);
    if ('content' in current) visit(current.content as unknown as Node); // <template>
  };
  visit(node);
  return found;
}

function attr(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

function text(node: Node): string {
  if (node.nodeName === '#text' && 'value' in node) return node.value;
  return 'childNodes' in node ? node.childNodes.map(text).join('') : '';
}

describe('CLI report --html', () => {
  const clock = new ShiftableClock();
  let sandbox: Sandbox;
  let dir: string;
  let html: string;
  let all: Element[];
  let code: number;

  beforeAll(async () => {
    sandbox = await startSandbox(clock);
    dir = await mkdtemp(join(tmpdir(), 'rotator-report-'));
    const org = await sandbox.createOrg('Acme');
    clock.daysAgo(120);
    await sandbox.addManagedClient(org, { name: 'old <crm>', strategy: 'single' });
    clock.daysAgo(20);
    const jobs = await sandbox.addManagedClient(org, { name: 'jobs', strategy: 'alternating' });
    clock.daysAgo(10);
    await sandbox.rotate(jobs.secretArn);
    clock.daysAgo(5);
    await sandbox.rotate(jobs.secretArn);
    clock.daysAgo(2);
    const broken = await sandbox.addManagedClient(org, { name: 'broken', strategy: 'single' });
    await sandbox.rotate(broken.secretArn);
    sandbox.genesys.faults.failNext(10, { method: 'POST', path: /\/secret$/, status: 403 });
    await sandbox.rotate(broken.secretArn);
    sandbox.genesys.faults.reset();
    clock.present();

    const file = join(dir, 'report.html');
    const run = await runAgainst(sandbox, ['report', '--html', file]);
    code = run.code;
    html = await readFile(file, 'utf8');
    all = elements(parse(html));
  });

  afterAll(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  const row = (name: string): Element | undefined => all.find((e) => e.tagName === 'tr' && attr(e, 'data-secret') === name);

  it('writes the file and exits 0 even though a secret is overdue', () => {
    expect(code).toBe(0);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('has a status row and a timeline section for every managed secret', () => {
    const names = ['genesys-rotator/acme/admin', 'genesys-rotator/acme/broken', 'genesys-rotator/acme/jobs', 'genesys-rotator/acme/old-crm'];
    const table = all.find((e) => e.tagName === 'table' && attr(e, 'id') === 'status')!;
    const rows = elements(table).filter((e) => e.tagName === 'tr' && attr(e, 'data-secret') !== undefined);
    expect(rows.map((r) => attr(r, 'data-secret'))).toEqual(names);
    // sections: what needs attention first (broken failed, old-crm overdue), then the rest by name
    const sections = all.filter((e) => e.tagName === 'section');
    expect(sections.map((s) => attr(s, 'data-secret'))).toEqual([names[1], names[3], names[0], names[2]]);
    // jobs: rotated twice through the sandbox, whose rotate function writes the ledger: two attempts,
    // both in its table and on its timeline (close together, they may share one mark with a count).
    const jobs = sections.find((s) => attr(s, 'data-secret') === 'genesys-rotator/acme/jobs')!;
    expect(elements(jobs).filter((e) => e.tagName === 'tr' && attr(e, 'data-version') !== undefined)).toHaveLength(2);
    const marks = elements(jobs).filter((e) => e.tagName === 'g' && (attr(e, 'class') ?? '').startsWith('mark'));
    expect(marks.reduce((sum, g) => sum + Number(attr(g, 'data-count') ?? '1'), 0)).toBe(2);
  });

  it('highlights overdue and failed secrets', () => {
    expect(attr(row('genesys-rotator/acme/old-crm')!, 'class')).toBe('overdue');
    expect(text(row('genesys-rotator/acme/old-crm')!)).toContain('OVERDUE');
    expect(attr(row('genesys-rotator/acme/broken')!, 'class')).toBe('failed');
    expect(text(row('genesys-rotator/acme/broken')!)).toContain('FAILED');
    expect(attr(row('genesys-rotator/acme/jobs')!, 'class')).toBe('ok');
  });

  it('is self-contained: no script, no external resource, a CSP that forbids fetching', () => {
    expect(all.filter((e) => e.tagName === 'script' || e.tagName === 'link' || e.tagName === 'img' || e.tagName === 'iframe')).toEqual([]);
    for (const element of all) {
      for (const name of ['src', 'href', 'xlink:href']) expect(attr(element, name)).toBeUndefined();
    }
    const csp = all.find((e) => e.tagName === 'meta' && attr(e, 'http-equiv') === 'Content-Security-Policy');
    expect(attr(csp!, 'content')).toMatch(/^default-src 'none'/);
  });

  it('contains no secret value or token', () => {
    const visible = text(parse(html));
    for (const value of [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()]) {
      expect(html).not.toContain(value);
      expect(visible).not.toContain(value);
    }
  });
});

interface ReportJson {
  file: string;
  account: string | null;
  region: string | null;
  period: { since: string; until: string };
  counts: { total: number; ok: number; dueSoon: number; overdue: number; stuck: number; failed: number; noPolicy: number };
  summary: { ok: number; stuck: number };
  secrets: {
    name: string;
    state: string;
    schedule: { expression: string | null };
    status: { age: { maxRotationDays: number | null } };
    history: { source: string; table?: string; reason?: string; attempts?: { versionId: string; kind: string; outcome: string; reason: string | null; requestedBy: string | null }[] };
  }[];
  exitCode: number;
}

/** A year of rotations in a ledger (dynalite): the report reads the timeline from it. */
describe('CLI report --html from the rotation ledger', () => {
  let scenario: Scenario;
  let dir: string;
  let html: string;
  let all: Element[];
  let json: ReportJson;

  const run = async (argv: readonly string[]): Promise<CliRun> => await runAgainst(scenario.sandbox, argv, { noEndpointFlags: true, env: scenario.env });
  const section = (name: string): Element => all.find((e) => e.tagName === 'section' && attr(e, 'data-secret') === name)!;

  beforeAll(async () => {
    scenario = await startScenario();
    dir = await mkdtemp(join(tmpdir(), 'rotator-report-ledger-'));
    const file = join(dir, 'report.html');
    const result = await run(['report', '--html', file, '--skip-usage', '--json']);
    expect(result.code).toBe(0);
    json = JSON.parse(result.stdout) as ReportJson;
    html = await readFile(file, 'utf8');
    all = elements(parse(html));
  }, 60_000);

  afterAll(async () => {
    await scenario.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('heads the page with account, Region and the period (default: one year)', () => {
    expect(json.account).toBe('123456789012');
    expect(json.region).toBe('us-east-1');
    expect(Date.parse(json.period.until) - Date.parse(json.period.since)).toBe(365 * 86_400_000);
    const meta = text(all.find((e) => e.tagName === 'p' && attr(e, 'class') === 'meta')!);
    expect(meta).toContain('account 123456789012');
    expect(meta).toContain('Region us-east-1');
    expect(meta).toContain(`period ${json.period.since.slice(0, 10)} to ${json.period.until.slice(0, 10)}`);
  });

  it('counts each secret once by its worst state: a failed (and stuck) secret is neither ok nor stuck too', () => {
    // reporting's newest attempt failed and its AWSPENDING is stuck: failed, once
    expect(json.counts).toEqual({ total: 5, ok: 2, dueSoon: 1, overdue: 1, stuck: 0, failed: 1, noPolicy: 0 });
    expect(json.summary).toMatchObject({ ok: 2 });
    const counts = all.find((e) => e.tagName === 'ul' && attr(e, 'id') === 'counts')!;
    const byState = Object.fromEntries(elements(counts).filter((e) => e.tagName === 'li').map((li) => [attr(li, 'data-state'), text(li)]));
    expect(byState).toMatchObject({ ok: '2✔ ok', 'due-soon': '1⚠ due soon', overdue: '1✖ overdue', failed: '1✖ failed', stuck: '0✖ stuck' });
    expect(Object.fromEntries(json.secrets.map((s) => [s.name.split('/').pop(), s.state]))).toEqual({ admin: 'ok', billing: 'overdue', crm: 'ok', jobs: 'due-soon', reporting: 'failed' });
  });

  it('shows schedule and policy, and every attempt of the period from the ledger, as --json does', () => {
    for (const secret of json.secrets) {
      expect(secret.history.source).toBe('ledger');
      const rows = elements(section(secret.name)).filter((e) => e.tagName === 'tr' && attr(e, 'data-version') !== undefined);
      expect(rows.map((r) => attr(r, 'data-version'))).toEqual(secret.history.attempts?.map((a) => a.versionId));
      expect(text(section(secret.name))).toContain(`schedule${secret.schedule.expression ?? 'x'}`);
      expect(text(section(secret.name))).toContain(`policyat most ${secret.status.age.maxRotationDays ?? 'x'} days between rotations`);
    }
    // crm: the failed scheduled attempt and the manual retry the next day are both there
    const crm = json.secrets.find((s) => s.name.endsWith('/crm'))!.history.attempts!;
    expect(crm.filter((a) => a.outcome === 'failed')).toHaveLength(1);
    expect(crm.find((a) => a.kind === 'manual')).toMatchObject({ requestedBy: OPERATOR, outcome: 'succeeded' });
  });

  it('marks the emergency on the timeline and in its row, with the reason and who asked', () => {
    const jobs = section('genesys-rotator/acme/jobs');
    const emergency = json.secrets.find((s) => s.name.endsWith('/jobs'))!.history.attempts!.find((a) => a.kind === 'emergency')!;
    expect(emergency).toMatchObject({ reason: EMERGENCY_REASON, requestedBy: OPERATOR });
    const row = elements(jobs).find((e) => e.tagName === 'tr' && attr(e, 'data-version') === emergency.versionId)!;
    expect(text(row)).toContain('E1 EMERGENCY');
    expect(text(row)).toContain(`reason: ${EMERGENCY_REASON}`);
    expect(text(row)).toContain(`asked by ${OPERATOR}`);
    const svgText = elements(elements(jobs).find((e) => e.tagName === 'svg')!).filter((e) => e.tagName === 'text').map(text);
    expect(svgText).toContain('E1');
  });

  it('spreads attempts over the timeline (one mark each, or a cluster with its count) and keeps every label on the drawing', () => {
    for (const secret of json.secrets) {
      const svg = elements(section(secret.name)).find((e) => e.tagName === 'svg')!;
      const marks = elements(svg).filter((e) => e.tagName === 'g' && (attr(e, 'class') ?? '').startsWith('mark'));
      const shown = marks.reduce((sum, g) => sum + Number(attr(g, 'data-count') ?? '1'), 0);
      expect(shown).toBe(secret.history.attempts?.length);
      expect(marks.length).toBeGreaterThan(5);
      for (const label of elements(svg).filter((e) => e.tagName === 'text')) {
        const x = Number(attr(label, 'x'));
        const width = text(label).length * 6.4 + 6;
        const anchor = attr(label, 'text-anchor') ?? 'start';
        const left = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
        expect(left).toBeGreaterThanOrEqual(0);
        expect(left + width).toBeLessThanOrEqual(TIMELINE_WIDTH);
      }
    }
  });

  it('stays one self-contained page: no script, no external resource, identifiers in cells that do not wrap', () => {
    expect(all.filter((e) => ['script', 'link', 'img', 'iframe', 'object', 'embed'].includes(e.tagName))).toEqual([]);
    for (const element of all) for (const name of ['src', 'href', 'xlink:href', 'onload', 'onclick']) expect(attr(element, name)).toBeUndefined();
    expect(html).not.toMatch(/url\((?!#)/);
    expect(html).not.toMatch(/@import/);
    expect(html).toMatch(/@media print/);
    expect(html).toMatch(/\.id \{ white-space: nowrap; \}/);
    // every version id in the page sits in a no-wrap cell
    const ids = all.filter((e) => (attr(e, 'class') ?? '').split(' ').includes('id'));
    for (const secret of json.secrets) for (const attempt of secret.history.attempts ?? []) expect(ids.some((e) => text(e) === attempt.versionId)).toBe(true);
  });

  it('contains no secret value or token', () => {
    const secrets = [...scenario.sandbox.genesys.issuedSecrets(), ...scenario.sandbox.genesys.issuedTokens()];
    expect(secrets.length).toBeGreaterThan(0);
    for (const value of secrets) {
      expect(html).not.toContain(value);
      expect(JSON.stringify(json)).not.toContain(value);
    }
  });

  it('--since narrows the period', async () => {
    const file = join(dir, 'recent.html');
    const recent = JSON.parse((await run(['report', '--html', file, '--skip-usage', '--since', '90d', '--json'])).stdout) as ReportJson;
    expect(Date.parse(recent.period.until) - Date.parse(recent.period.since)).toBe(90 * 86_400_000);
    for (const secret of recent.secrets) {
      const year = json.secrets.find((s) => s.name === secret.name)!.history.attempts!;
      const expected = year.filter((a) => Date.parse((a as unknown as { startedAt: string }).startedAt) >= Date.parse(recent.period.since));
      expect(secret.history.attempts!.map((a) => a.versionId)).toEqual(expected.map((a) => a.versionId));
      expect(expected.length).toBeLessThan(year.length);
    }
    // admin rotated on time all year: its age band starts at its last rotation before the period, not at its creation, so nothing is overdue
    const page = elements(parse(await readFile(file, 'utf8')));
    const admin = page.find((e) => e.tagName === 'section' && attr(e, 'data-secret') === 'genesys-rotator/acme/admin')!;
    const bands = elements(admin).filter((e) => e.tagName === 'rect' && (attr(e, 'class') ?? '').startsWith('band'));
    expect(bands.length).toBeGreaterThan(0);
    expect(bands.map((b) => attr(b, 'class'))).not.toContain('band overdue');
  });

  it('refuses a bad --since with exit 2, before writing anything', async () => {
    const file = join(dir, 'never.html');
    const result = await run(['report', '--html', file, '--since', '12 months']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/field "--since": expected an ISO-8601 date .* \(got "12 months"\)/);
    await expect(readFile(file, 'utf8')).rejects.toThrow();
  });

  it('falls back to the versions for a secret without a ledger, and says so', async () => {
    // Prepare: one secret loses its ledger tag (last test: the scenario is not needed unchanged after it)
    await scenario.sandbox.secretsManager.send(new UntagResourceCommand({ SecretId: scenario.secrets.admin, TagKeys: [LEDGER_TABLE_TAG] }));
    const file = join(dir, 'fallback.html');

    // Act
    const result = JSON.parse((await run(['report', '--html', file, '--skip-usage', '--json'])).stdout) as ReportJson;
    const page = await readFile(file, 'utf8');

    // Assess
    expect(result.secrets.find((s) => s.name.endsWith('/admin'))?.history).toMatchObject({ source: 'versions', reason: expect.stringContaining('no genesys-rotator:ledger-table tag') as unknown });
    expect(result.secrets.filter((s) => s.history.source === 'ledger')).toHaveLength(4);
    expect(page).toContain('1 of 5 secrets have no rotation ledger');
  });
});
