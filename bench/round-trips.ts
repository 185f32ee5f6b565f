/**
 * Item 1: round trips per rotation, counted at the stand-ins for each strategy and step, against
 * the minimum of minimum-round-trips.ts. Counts do not depend on timing, but each scenario still runs
 * in several fresh worlds so a count that varies (a retry, a race) would show as min != max.
 */
import { ROTATION_STEPS, type RotationStep } from '../lambdas/core/rotation/engine';
import type { Sandbox } from '../local/sandbox';
import { minimumFor, total, type Operation, type ScenarioSpec, type StepMinimum } from './minimum-round-trips';
import { figure, type Figure } from './lib/stats';
import type { Json } from './lib/results';
import { spread, verdict, type Table } from './lib/table';
import { countPerStep, startWorld } from './lib/world';

interface Scenario extends ScenarioSpec {
  readonly name: string;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'single, cold', kind: 'admin-secret', strategy: 'single', cache: 'cold', emergency: false },
  { name: 'single, warm', kind: 'admin-secret', strategy: 'single', cache: 'warm', emergency: false },
  { name: 'alternating, cold', kind: 'admin-secret', strategy: 'alternating', cache: 'cold', emergency: false },
  { name: 'alternating, warm', kind: 'admin-secret', strategy: 'alternating', cache: 'warm', emergency: false },
  { name: 'alternating emergency, warm', kind: 'admin-secret', strategy: 'alternating', cache: 'warm', emergency: true },
  { name: 'admin pair, cold', kind: 'self-pair', strategy: 'alternating', cache: 'cold', emergency: false },
  { name: 'admin pair, warm', kind: 'self-pair', strategy: 'alternating', cache: 'warm', emergency: false },
];

type StepCounts = Record<RotationStep, Record<string, number>>;

/**
 * One world: an organization per cold start, so each strategy gets a first rotation of its own; the
 * warm admin pair rotation follows its organization's managed rotations (same admin version).
 */
async function measureOnce(): Promise<Map<string, StepCounts>> {
  const sandbox = await startWorld({ aws: { stepRetry: { attempts: 1, delayMs: 0 } } });
  try {
    const org1 = await sandbox.createOrg('Bench One');
    const org2 = await sandbox.createOrg('Bench Two');
    const org3 = await sandbox.createOrg('Bench Three');
    const single1 = await sandbox.addManagedClient(org1, { name: 'single-1', strategy: 'single' });
    const single2 = await sandbox.addManagedClient(org1, { name: 'single-2', strategy: 'single' });
    const alt1 = await sandbox.addManagedClient(org2, { name: 'alt-1', strategy: 'alternating' });
    const alt2 = await sandbox.addManagedClient(org2, { name: 'alt-2', strategy: 'alternating' });
    const alt3 = await sandbox.addManagedClient(org2, { name: 'alt-3', strategy: 'alternating' });
    const plan: readonly (readonly [string, string, boolean])[] = [
      ['single, cold', single1.secretArn, false],
      ['single, warm', single2.secretArn, false],
      ['alternating, cold', alt1.secretArn, false],
      ['alternating, warm', alt2.secretArn, false],
      ['alternating emergency, warm', alt3.secretArn, true],
      ['admin pair, cold', org3.adminSecretArn, false],
      ['admin pair, warm', org1.adminSecretArn, false],
    ];
    const out = new Map<string, StepCounts>();
    for (const [name, arn, emergency] of plan) out.set(name, await rotateCounting(sandbox, arn, emergency));
    return out;
  } finally {
    await sandbox.close();
  }
}

async function rotateCounting(sandbox: Sandbox, secretArn: string, emergency: boolean): Promise<StepCounts> {
  const counts: Partial<StepCounts> = {};
  countPerStep(sandbox, (step, seen) => {
    counts[step] = seen;
  });
  const outcome = await sandbox.rotate(secretArn, { emergency, reason: 'bench' });
  if (!outcome.ok) throw new Error(`round trips: rotation of ${secretArn} failed at ${outcome.failedStep ?? '?'}: ${outcome.error?.name ?? ''}`);
  for (const step of ROTATION_STEPS) if (counts[step] === undefined) throw new Error(`round trips: step ${step} did not run`);
  return counts as StepCounts;
}

export interface RoundTripRow {
  readonly scenario: string;
  readonly step: RotationStep | 'rotation';
  readonly measured: Figure;
  readonly minimum: number;
  /** Operations seen more often than the minimum (median counts), with how many more. */
  readonly extra: Readonly<Record<string, number>>;
  /** Operations seen less often than the minimum: the reasoning in minimum-round-trips.ts is wrong. */
  readonly missing: Readonly<Record<string, number>>;
}

export async function runRoundTrips(runs: number): Promise<{ rows: RoundTripRow[]; json: Json; table: Table }> {
  const worlds: Map<string, StepCounts>[] = [];
  for (let i = 0; i < runs; i++) worlds.push(await measureOnce());

  const rows: RoundTripRow[] = [];
  const json: Record<string, Json> = {};
  for (const scenario of SCENARIOS) {
    const minimum = minimumFor(scenario);
    const scenarioJson: Record<string, Json> = {};
    const rotationTotals = worlds.map(() => 0);
    const rotationExtra: Record<string, number> = {};
    const rotationMissing: Record<string, number> = {};
    for (const step of ROTATION_STEPS) {
      const perWorld = worlds.map((world) => world.get(scenario.name)?.[step] ?? {});
      perWorld.forEach((counts, i) => {
        rotationTotals[i] = (rotationTotals[i] ?? 0) + Object.values(counts).reduce((a, b) => a + b, 0);
      });
      const row = compare(scenario.name, step, perWorld, minimum[step]);
      rows.push(row);
      for (const [op, n] of Object.entries(row.extra)) rotationExtra[`${step}: ${op}`] = n;
      for (const [op, n] of Object.entries(row.missing)) rotationMissing[`${step}: ${op}`] = n;
      scenarioJson[step] = stepJson(perWorld, minimum[step], row);
    }
    const rotationMinimum = ROTATION_STEPS.reduce((sum, step) => sum + total(minimum[step]), 0);
    rows.push({ scenario: scenario.name, step: 'rotation', measured: figure(rotationTotals), minimum: rotationMinimum, extra: rotationExtra, missing: rotationMissing });
    scenarioJson.rotation = { measured: figureJson(figure(rotationTotals)), minimum: rotationMinimum };
    json[scenario.name] = scenarioJson;
  }

  const table: Table = {
    title: '1. Round trips per rotation (calls seen at the stand-ins vs the reasoned minimum; goal: equal)',
    head: ['scenario', 'step', 'calls', 'minimum', 'equal', 'extra calls seen'],
    rows: rows.map((row) => [
      row.scenario,
      row.step,
      row.measured.min === row.measured.max ? String(row.measured.median) : spread(row.measured, 0),
      String(row.minimum),
      verdict(row.measured.median === row.minimum),
      describeDiff(row),
    ]),
    notes: [
      'calls: Secrets Manager + EventBridge + DynamoDB (the rotation ledger) + Genesys Cloud requests made by the rotate function during the step; reasons per call in bench/minimum-round-trips.ts',
    ],
  };
  return { rows, json, table };
}

function medianCounts(perWorld: readonly Record<string, number>[]): Record<string, number> {
  const ops = new Set(perWorld.flatMap((counts) => Object.keys(counts)));
  const out: Record<string, number> = {};
  for (const op of [...ops].sort()) out[op] = figure(perWorld.map((counts) => counts[op] ?? 0)).median;
  return out;
}

function compare(scenario: string, step: RotationStep, perWorld: readonly Record<string, number>[], minimum: StepMinimum): RoundTripRow {
  const median = medianCounts(perWorld);
  const extra: Record<string, number> = {};
  const missing: Record<string, number> = {};
  const ops = new Set([...Object.keys(median), ...Object.keys(minimum)]);
  for (const op of ops) {
    const seen = median[op] ?? 0;
    const least = minimum[op as Operation]?.count ?? 0;
    if (seen > least) extra[op] = seen - least;
    if (seen < least) missing[op] = least - seen;
  }
  const totals = perWorld.map((counts) => Object.values(counts).reduce((a, b) => a + b, 0));
  return { scenario, step, measured: figure(totals), minimum: total(minimum), extra, missing };
}

function describeDiff(row: RoundTripRow): string {
  const parts = [
    ...Object.entries(row.extra).map(([op, n]) => `+${n} ${op}`),
    ...Object.entries(row.missing).map(([op, n]) => `-${n} ${op} (fewer than the reasoned minimum)`),
  ];
  return parts.length === 0 ? '' : parts.join('; ');
}

function figureJson(f: Figure): Json {
  return { median: f.median, min: f.min, max: f.max };
}

function stepJson(perWorld: readonly Record<string, number>[], minimum: StepMinimum, row: RoundTripRow): Json {
  const median = medianCounts(perWorld);
  const operations: Record<string, Json> = {};
  const ops = new Set([...Object.keys(median), ...Object.keys(minimum)]);
  for (const op of ops) {
    const call = minimum[op as Operation];
    operations[op] = { measured: median[op] ?? 0, minimum: call?.count ?? 0, ...(call !== undefined ? { why: call.why } : {}) };
  }
  return { measured: figureJson(row.measured), minimum: row.minimum, operations };
}
