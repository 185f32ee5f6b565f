import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import type { Sandbox } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

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
    const sections = all.filter((e) => e.tagName === 'section');
    expect(sections.map((s) => attr(s, 'data-secret'))).toEqual(names);
    // jobs: created and rotated twice, so three versions on its timeline.
    const jobs = sections.find((s) => attr(s, 'data-secret') === 'genesys-rotator/acme/jobs')!;
    expect(elements(jobs).filter((e) => e.tagName === 'circle')).toHaveLength(3);
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
