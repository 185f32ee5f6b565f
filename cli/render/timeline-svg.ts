/**
 * One secret's rotation timeline as inline SVG, on an axis every secret of the report shares (so two
 * timelines compare at a glance): a band coloured by the secret's age against the policy, one mark per
 * rotation attempt, the policy's due date and "now". Readable in print and without colour: outcomes
 * differ by shape as well (filled, crossed, hollow), emergencies are diamonds, overdue stretches are
 * hatched; marks closer than a few pixels merge into one with a count, and labels never leave the
 * drawing or sit on each other (they move to a second row).
 */
import { escapeHtml } from './escape';
import { shortDate } from './text';

export const TIMELINE_WIDTH = 1000;
const LEFT = 14;
const RIGHT = TIMELINE_WIDTH - 14;
const LABEL_ROWS = [13, 27];
const AXIS_Y = 50;
/** Marker lines start below the second label row's baseline. */
const LINE_TOP = 31;
const BAND_HEIGHT = 8;
const HEIGHT = 88;
/** Marks closer than this (in drawing units) merge into one cluster with a count. */
const CLUSTER_PX = 12;
/** Width of a label of `text` at the drawing's 11-unit font (system-ui averages ~0.6 em per character). */
const labelWidth = (text: string): number => text.length * 6.4 + 6;

export type MarkOutcome = 'succeeded' | 'failed' | 'in-progress' | 'earlier';

/** One rotation attempt (or version) on the timeline. */
export interface TimelineMark {
  readonly at: Date;
  readonly outcome: MarkOutcome;
  readonly emergency: boolean;
  /** Short tag shown above the mark and in the attempts table (`E1`), when it needs pointing out. */
  readonly tag?: string;
  /** Hover text: date, version, outcome (plain text). */
  readonly title: string;
}

/** The age band: stretches of time between rotations, coloured by where the age stood against the policy. */
export type BandState = 'ok' | 'due-soon' | 'overdue' | 'no-policy';

export interface BandStretch {
  readonly from: Date;
  readonly to: Date;
  readonly state: BandState;
}

export interface TimelineInput {
  /** Accessible name of the drawing. */
  readonly label: string;
  readonly axis: { readonly from: Date; readonly to: Date };
  readonly now: Date;
  readonly dueDate: Date | undefined;
  readonly dueState: 'ok' | 'due-soon' | 'overdue' | 'no-policy';
  readonly band: readonly BandStretch[];
  readonly marks: readonly TimelineMark[];
  /** Unique within the page: SVG ids (patterns) are document-wide. */
  readonly idPrefix: string;
}

export const COLOURS = { ok: '#1a7f37', dueSoon: '#9a6700', overdue: '#c62828', failed: '#c62828', inProgress: '#9a6700', earlier: '#8c959f', axis: '#57606a' } as const;

/**
 * The age band from the rotation instants: from the secret's creation (or each successful rotation)
 * the age counts up; it is ok until `dueSoonDays` before the policy, due soon until the policy, overdue
 * after it, until the next successful rotation (or now).
 */
export function ageBand(created: Date, rotations: readonly Date[], now: Date, maxDays: number | null, dueSoonDays: number): BandStretch[] {
  // A rotation recorded before the creation date (a secret re-created under its name) starts the band itself.
  const anchors = [...new Set([created, ...rotations].filter((r) => r.getTime() <= now.getTime()).map((r) => r.getTime()))].sort((a, b) => a - b).map((ms) => new Date(ms));
  const stretches: BandStretch[] = [];
  anchors.forEach((from, index) => {
    const to = anchors[index + 1] ?? now;
    if (maxDays === null) {
      stretches.push({ from, to, state: 'no-policy' });
      return;
    }
    const due = from.getTime() + maxDays * 86_400_000;
    const soon = due - dueSoonDays * 86_400_000;
    const cuts: [number, number, BandState][] = [
      [from.getTime(), soon, 'ok'],
      [soon, due, 'due-soon'],
      [due, Number.POSITIVE_INFINITY, 'overdue'],
    ];
    for (const [start, end, state] of cuts) {
      const a = Math.max(start, from.getTime());
      const b = Math.min(end, to.getTime());
      if (b > a) stretches.push({ from: new Date(a), to: new Date(b), state });
    }
  });
  return stretches;
}

interface Cluster {
  readonly x: number;
  readonly marks: readonly TimelineMark[];
}

/** Marks sorted by time, merged while each stays within CLUSTER_PX of its cluster's first mark. */
export function clusterMarks(marks: readonly TimelineMark[], x: (date: Date) => number): Cluster[] {
  const sorted = [...marks].sort((a, b) => a.at.getTime() - b.at.getTime());
  const clusters: { first: number; xs: number[]; marks: TimelineMark[] }[] = [];
  for (const mark of sorted) {
    const position = x(mark.at);
    const last = clusters.at(-1);
    if (last !== undefined && position - last.first < CLUSTER_PX) {
      last.xs.push(position);
      last.marks.push(mark);
    } else {
      clusters.push({ first: position, xs: [position], marks: [mark] });
    }
  }
  return clusters.map((c) => ({ x: c.xs.reduce((sum, v) => sum + v, 0) / c.xs.length, marks: c.marks }));
}

const WORST: readonly MarkOutcome[] = ['failed', 'in-progress', 'succeeded', 'earlier'];

function worst(marks: readonly TimelineMark[]): MarkOutcome {
  return WORST.find((outcome) => marks.some((m) => m.outcome === outcome)) ?? 'earlier';
}

function colourOf(outcome: MarkOutcome): string {
  switch (outcome) {
    case 'succeeded':
      return COLOURS.ok;
    case 'failed':
      return COLOURS.failed;
    case 'in-progress':
      return COLOURS.inProgress;
    case 'earlier':
      return COLOURS.earlier;
  }
}

interface PlacedLabel {
  readonly text: string;
  readonly x: number;
  readonly colour: string;
  readonly bold?: boolean;
}

/**
 * Labels in rows above the axis: each centred on its x but kept inside the drawing, and put in the
 * first row where it overlaps nothing (the last row takes what is left, shifted clear when it can be).
 */
/** @returns each label's left edge (text-anchor start) and baseline */
export function placeLabels(labels: readonly PlacedLabel[]): { text: string; x: number; y: number; colour: string; bold: boolean }[] {
  const rows: [number, number][][] = LABEL_ROWS.map(() => []);
  return labels.map((label) => {
    const width = labelWidth(label.text);
    const start = Math.min(Math.max(label.x - width / 2, LEFT - 10), RIGHT + 10 - width);
    const fits = (row: [number, number][]): boolean => row.every(([a, b]) => start + width + 4 <= a || start >= b + 4);
    const free = rows.findIndex(fits);
    const chosen = free === -1 ? rows.length - 1 : free;
    rows[chosen]?.push([start, start + width]);
    return { text: label.text, x: start, y: LABEL_ROWS[chosen] ?? 13, colour: label.colour, bold: label.bold ?? false };
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function monthTicks(from: Date, to: Date, x: (date: Date) => number): string[] {
  const parts: string[] = [];
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const months: Date[] = [];
  while (cursor.getTime() <= to.getTime()) {
    months.push(new Date(cursor));
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  // Label every month when there is room for "Sep 2026", else every third (January always carries its year).
  const spacing = months.length > 1 ? (RIGHT - LEFT) / months.length : RIGHT - LEFT;
  const step = spacing >= 58 ? 1 : spacing >= 30 ? 2 : 3;
  let lastRight = Number.NEGATIVE_INFINITY;
  months.forEach((month, index) => {
    const px = x(month);
    parts.push(`<line x1="${px.toFixed(1)}" y1="${AXIS_Y + 6}" x2="${px.toFixed(1)}" y2="${AXIS_Y + 11}" stroke="${COLOURS.axis}"/>`);
    if (index % step !== 0 && month.getUTCMonth() !== 0) return;
    const name = MONTHS[month.getUTCMonth()] ?? '';
    // The year goes on each January, and on the first label unless a January follows right after it.
    const januarySoon = months.slice(1, 3).some((m) => m.getUTCMonth() === 0);
    const text = month.getUTCMonth() === 0 || (index === 0 && !januarySoon) ? `${name} ${month.getUTCFullYear()}` : name;
    const width = labelWidth(text);
    // Kept inside the drawing at both ends (a label half outside would read "ec 2025"), and never on the previous one.
    const anchor = px + width / 2 > TIMELINE_WIDTH ? 'end' : px - width / 2 < 0 ? 'start' : 'middle';
    const left = anchor === 'start' ? px : anchor === 'end' ? px - width : px - width / 2;
    if (left < lastRight + 4) return;
    lastRight = left + width;
    parts.push(`<text x="${px.toFixed(1)}" y="${AXIS_Y + 24}" text-anchor="${anchor}" class="tick">${escapeHtml(text)}</text>`);
  });
  return parts;
}

function markShape(cx: number, outcome: MarkOutcome, emergency: boolean, radius: number): string {
  const colour = colourOf(outcome);
  const hollow = outcome === 'in-progress';
  const fill = hollow ? '#ffffff' : colour;
  const stroke = hollow ? colour : '#ffffff';
  const shape = emergency
    ? `<path d="M${cx.toFixed(1)} ${AXIS_Y - radius - 2} l${radius + 2} ${radius + 2} l${-(radius + 2)} ${radius + 2} l${-(radius + 2)} ${-(radius + 2)} z" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`
    : `<circle cx="${cx.toFixed(1)}" cy="${AXIS_Y}" r="${radius}" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`;
  // A failure is crossed as well as red: it must read in greyscale print and for colour-blind readers.
  const cross =
    outcome === 'failed'
      ? `<path d="M${(cx - 3).toFixed(1)} ${AXIS_Y - 3} l6 6 M${(cx + 3).toFixed(1)} ${AXIS_Y - 3} l-6 6" stroke="#ffffff" stroke-width="1.8"/>`
      : '';
  return shape + cross;
}

function clusterSvg(cluster: Cluster): string {
  const outcome = worst(cluster.marks);
  const emergency = cluster.marks.some((m) => m.emergency);
  const title = `<title>${escapeHtml(cluster.marks.map((m) => m.title).join('\n'))}</title>`;
  if (cluster.marks.length === 1) return `<g class="mark">${title}${markShape(cluster.x, outcome, emergency, 6)}</g>`;
  const count = String(cluster.marks.length);
  const radius = 9;
  const colour = colourOf(outcome);
  const shape = emergency
    ? `<path d="M${cluster.x.toFixed(1)} ${AXIS_Y - radius - 2} l${radius + 2} ${radius + 2} l${-(radius + 2)} ${radius + 2} l${-(radius + 2)} ${-(radius + 2)} z" fill="${colour}" stroke="#ffffff" stroke-width="1.5"/>`
    : `<circle cx="${cluster.x.toFixed(1)}" cy="${AXIS_Y}" r="${radius}" fill="${colour}" stroke="#ffffff" stroke-width="1.5"/>`;
  return `<g class="mark cluster" data-count="${count}">${title}${shape}<text x="${cluster.x.toFixed(1)}" y="${AXIS_Y + 4}" text-anchor="middle" class="count">${count}</text></g>`;
}

function bandFill(state: BandState, idPrefix: string): string {
  switch (state) {
    case 'ok':
      return COLOURS.ok;
    case 'due-soon':
      return `url(#${idPrefix}-soon)`;
    case 'overdue':
      return `url(#${idPrefix}-over)`;
    case 'no-policy':
      return COLOURS.earlier;
  }
}

/** Hatching for the band: amber with light stripes for due soon, red with dense cross-stripes for overdue. */
export function bandPatterns(idPrefix: string): string {
  return [
    `<pattern id="${idPrefix}-soon" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${COLOURS.dueSoon}"/><path d="M0 6 L6 0" stroke="#ffe08a" stroke-width="1.5"/></pattern>`,
    `<pattern id="${idPrefix}-over" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="${COLOURS.overdue}"/><path d="M0 0 L0 5" stroke="#ffffff" stroke-width="2"/></pattern>`,
  ].join('');
}

export function renderTimeline(input: TimelineInput): string {
  const { axis, now } = input;
  const span = Math.max(axis.to.getTime() - axis.from.getTime(), 1);
  const x = (date: Date): number => LEFT + ((Math.min(Math.max(date.getTime(), axis.from.getTime()), axis.to.getTime()) - axis.from.getTime()) / span) * (RIGHT - LEFT);
  const parts: string[] = [
    `<svg class="timeline" viewBox="0 0 ${TIMELINE_WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${escapeHtml(input.label)}">`,
    `<defs>${bandPatterns(input.idPrefix)}</defs>`,
    `<line x1="${LEFT}" y1="${AXIS_Y}" x2="${RIGHT}" y2="${AXIS_Y}" stroke="${COLOURS.axis}"/>`,
  ];
  for (const stretch of input.band) {
    if (stretch.to.getTime() < axis.from.getTime()) continue;
    const x1 = x(stretch.from);
    const x2 = x(stretch.to);
    if (x2 - x1 < 0.5) continue;
    parts.push(
      `<rect class="band ${stretch.state}" x="${x1.toFixed(1)}" y="${AXIS_Y - BAND_HEIGHT / 2}" width="${(x2 - x1).toFixed(1)}" height="${BAND_HEIGHT}" fill="${bandFill(stretch.state, input.idPrefix)}"><title>${escapeHtml(`${stretch.state} ${shortDate(stretch.from.toISOString())} – ${shortDate(stretch.to.toISOString())}`)}</title></rect>`,
    );
  }
  parts.push(...monthTicks(axis.from, axis.to, x));

  const labels: PlacedLabel[] = [];
  const nowX = x(now);
  parts.push(`<line x1="${nowX.toFixed(1)}" y1="${LINE_TOP}" x2="${nowX.toFixed(1)}" y2="${AXIS_Y + 12}" stroke="#1b1f24" stroke-width="1.5"/>`);
  labels.push({ text: 'now', x: nowX, colour: '#1b1f24', bold: true });
  if (input.dueDate !== undefined) {
    const dueX = x(input.dueDate);
    const colour = input.dueState === 'overdue' ? COLOURS.overdue : input.dueState === 'due-soon' ? COLOURS.dueSoon : COLOURS.axis;
    parts.push(`<line x1="${dueX.toFixed(1)}" y1="${LINE_TOP}" x2="${dueX.toFixed(1)}" y2="${AXIS_Y + 12}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    labels.push({ text: `due ${input.dueDate.toISOString().slice(0, 10)}`, x: dueX, colour, bold: input.dueState !== 'ok' });
  }
  const clusters = clusterMarks(input.marks, x);
  for (const cluster of clusters) {
    const tags = cluster.marks.flatMap((m) => (m.tag !== undefined ? [m.tag] : []));
    if (tags.length > 0) labels.push({ text: tags.join(' '), x: cluster.x, colour: COLOURS.failed, bold: true });
  }
  for (const label of placeLabels(labels)) {
    parts.push(`<text x="${label.x.toFixed(1)}" y="${label.y}" class="label${label.bold ? ' strong' : ''}" fill="${label.colour}">${escapeHtml(label.text)}</text>`);
  }
  parts.push(...clusters.map(clusterSvg));
  parts.push('</svg>');
  return parts.join('');
}
