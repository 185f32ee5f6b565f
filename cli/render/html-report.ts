/**
 * The auditor's report: one self-contained HTML page (inline CSS, inline SVG, no script, a CSP that
 * forbids any fetch). Header: account, Region, period and one count per state; a status table; per
 * secret its schedule and policy, a timeline (cli/render/timeline-svg.ts) and the table of its
 * rotation attempts from the ledger (or, without a ledger, of its versions). Only metadata goes in:
 * names, ARNs, client ids, dates, outcomes, error names and the ledger's redacted messages.
 *
 * Layout rules that make it read well in a browser and on paper: identifiers are monospace and never
 * wrap inside a token (secret names and ARNs may break after `/`, `:` or `-`; UUIDs not at all); the
 * tables fit an A4 landscape page; state is told by a word and a symbol as well as by colour.
 */
import type { RotationAttempt } from '../ledger/attempts';
import { askedText, outcomeWord, verifiedWord } from './attempts-text';
import { breakableId, escapeHtml } from './escape';
import { newestAttempt, type ReportModel, type ReportSecret, type ReportState, type ReportVersion } from './report-model';
import { shortDate } from './text';
import { ageBand, COLOURS, renderTimeline, type MarkOutcome, type TimelineMark } from './timeline-svg';

const STYLE = `
:root { --ok: ${COLOURS.ok}; --soon: ${COLOURS.dueSoon}; --bad: ${COLOURS.overdue}; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem 2rem; color: #1f2328; line-height: 1.4; font-size: 15px; max-width: 1500px; }
@media (max-width: 1100px) { body { margin: 1rem; } }
h1 { font-size: 1.6rem; margin: 0 0 0.3rem; }
h2 { font-size: 1.15rem; margin: 0; }
code, .id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.85em; }
.id { white-space: nowrap; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.meta b { color: #1f2328; font-weight: 600; }
.counts { display: flex; flex-wrap: wrap; gap: 0.6rem; margin: 0.8rem 0 1rem; padding: 0; list-style: none; }
.counts li { border: 1px solid var(--line); border-left-width: 6px; border-radius: 4px; padding: 0.35rem 0.8rem; min-width: 8.5rem; }
.counts .n { font-size: 1.5rem; font-weight: 700; display: block; line-height: 1.1; }
.counts li.zero { opacity: 0.55; }
.st-ok { border-left-color: var(--ok) !important; } .st-due-soon { border-left-color: var(--soon) !important; }
.st-overdue, .st-failed, .st-stuck { border-left-color: var(--bad) !important; } .st-no-policy { border-left-color: var(--muted) !important; }
.badge { display: inline-block; white-space: nowrap; font-weight: 700; font-size: 0.85em; padding: 0.05rem 0.45rem; border-radius: 3px; border: 1.5px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.due-soon { color: var(--soon); } .badge.overdue, .badge.failed, .badge.stuck { color: #fff; background: var(--bad); border-color: var(--bad); }
.badge.no-policy { color: var(--muted); }
.badge.emergency { color: #fff; background: var(--bad); border-color: var(--bad); }
.badge.manual { color: #0b4f9c; }
.badge.scheduled { color: var(--muted); border-color: transparent; padding-left: 0; }
.outcome-failed { color: var(--bad); font-weight: 700; } .outcome-in-progress { color: var(--soon); font-weight: 700; } .outcome-succeeded { color: var(--ok); font-weight: 600; }
table { border-collapse: collapse; margin: 0.6rem 0 0.4rem; font-size: 0.84rem; width: 100%; }
td .id { font-size: 0.8em; }
th, td { border-bottom: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; border-top: 1px solid var(--line); white-space: nowrap; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
td.when { white-space: nowrap; }
td.text { min-width: 14rem; }
td.text code { font-size: 0.8em; }
tr.failed td, tr.stuck td, tr.overdue td { background: #fff1f0; }
tr.due-soon td { background: #fff8e1; }
tr.emergency td { background: #fdf0f6; }
table.attempts td { padding-top: 0.2rem; padding-bottom: 0.2rem; }
.sub { display: block; color: var(--muted); font-size: 0.85em; }
.note { color: var(--muted); font-size: 0.9rem; }
.warn { border-left: 4px solid var(--soon); background: #fff8e1; padding: 0.4rem 0.7rem; margin: 0.6rem 0; }
.reason { color: var(--bad); font-weight: 600; margin: 0.3rem 0; }
section.secret { margin-top: 1.6rem; padding-top: 0.9rem; border-top: 2px solid var(--line); break-inside: avoid-page; }
section.secret header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.4rem 0.8rem; }
section.secret h2 code { font-size: 1em; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(19rem, 1fr)); gap: 0.2rem 1.2rem; margin: 0.5rem 0; font-size: 0.88rem; }
dl.facts div { min-width: 0; }
dl.facts dt { color: var(--muted); font-size: 0.8rem; }
dl.facts dd { margin: 0; }
dl.facts div.wide { grid-column: 1 / -1; }
svg.timeline { display: block; max-width: 100%; height: auto; margin: 0.3rem 0; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 11px; }
svg text.tick { fill: var(--muted); }
svg text.label.strong { font-weight: 700; }
svg text.count { fill: #fff; font-weight: 700; font-size: 10px; }
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; padding: 0.5rem 0.8rem; border: 1px solid var(--line); border-radius: 4px; font-size: 0.85rem; margin: 0.5rem 0 0.8rem; }
.legend span { display: inline-flex; align-items: center; gap: 0.35rem; white-space: nowrap; }
.legend svg { flex: none; }
.tag { font-weight: 700; color: var(--bad); white-space: nowrap; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 10.5pt; }
  .counts li { min-width: 7rem; }
  table { font-size: 8.5pt; }
  th { background: #eee; }
  tr.failed td, tr.stuck td, tr.overdue td, tr.due-soon td { background: none; }
  section.secret { break-before: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
`;

const STATE_WORDS: Readonly<Record<ReportState, { symbol: string; word: string }>> = {
  ok: { symbol: '✔', word: 'ok' },
  'due-soon': { symbol: '⚠', word: 'due soon' },
  overdue: { symbol: '✖', word: 'OVERDUE' },
  stuck: { symbol: '✖', word: 'STUCK' },
  failed: { symbol: '✖', word: 'FAILED' },
  'no-policy': { symbol: '–', word: 'no policy' },
};

function badge(state: ReportState): string {
  const { symbol, word } = STATE_WORDS[state];
  return `<span class="badge ${state}">${symbol} ${escapeHtml(word)}</span>`;
}

function id(text: string | null | undefined): string {
  return text === null || text === undefined ? '-' : `<span class="id">${escapeHtml(text)}</span>`;
}

function dateOnly(iso: string | null): string {
  return iso === null ? '-' : iso.slice(0, 10);
}

function scheduleText(secret: ReportSecret): string {
  if (!secret.status.rotationEnabled) return 'not scheduled (rotation disabled)';
  const { expression, window } = secret.schedule;
  if (expression === null) return 'scheduled (rules not reported)';
  return `${expression}${window !== null ? `, window ${window}` : ''}`;
}

function policyText(secret: ReportSecret): string {
  const { maxRotationDays, dueDate } = secret.status.age;
  return maxRotationDays === null ? 'none (no valid max-rotation-days tag)' : `at most ${maxRotationDays} days between rotations; next due ${dateOnly(dueDate)}`;
}

/** Emergency attempts get a tag (E1, E2 ... oldest first) that links the timeline's mark to the table row. */
function emergencyTags(secret: ReportSecret): Map<string, string> {
  const tags = new Map<string, string>();
  if (secret.history.source !== 'ledger') return tags;
  [...secret.history.attempts].reverse().filter((a) => a.kind === 'emergency').forEach((a, index) => tags.set(a.versionId, `E${index + 1}`));
  return tags;
}

function attemptCounts(secret: ReportSecret): string {
  if (secret.history.source !== 'ledger') return '<span class="note">no ledger</span>';
  const attempts = secret.history.attempts;
  const failed = attempts.filter((a) => a.outcome === 'failed').length;
  const emergencies = attempts.filter((a) => a.kind === 'emergency').length;
  const parts = [`${attempts.length}`, ...(failed > 0 ? [`<span class="outcome-failed">${failed} failed</span>`] : []), ...(emergencies > 0 ? [`<span class="tag">${emergencies} emergency</span>`] : [])];
  return parts.join(' · ');
}

function statusRow(secret: ReportSecret): string {
  const s = secret.status;
  const age = `${s.age.days.toFixed(0)} d${s.age.maxRotationDays !== null ? ` / ${s.age.maxRotationDays} d` : ''}${s.age.since === 'created' ? ' *' : ''}`;
  const cells = [
    `<span class="id">${escapeHtml(secret.name)}</span>`,
    badge(secret.state),
    id(s.clientId),
    `<span class="id">${escapeHtml(s.lastRotatedDate === null ? 'never' : dateOnly(s.lastRotatedDate))}</span>`,
    `<span class="id">${escapeHtml(age)}</span>`,
    `<span class="id">${escapeHtml(dateOnly(s.age.dueDate))}</span>`,
    `<span class="id">${escapeHtml(s.rotationEnabled ? dateOnly(s.nextRotationDate) : 'off')}</span>`,
    attemptCounts(secret),
  ];
  return `<tr class="${secret.state}" data-secret="${escapeHtml(secret.name)}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/** A section's id, for a reader who appends `#secret-...` to the file's address. */
function anchorOf(name: string): string {
  return `secret-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

function marksOf(secret: ReportSecret, tags: Map<string, string>): TimelineMark[] {
  if (secret.history.source === 'ledger') {
    return secret.history.attempts.map((a) => ({
      at: new Date(a.startedAt),
      outcome: a.outcome,
      emergency: a.kind === 'emergency',
      ...(tags.has(a.versionId) ? { tag: tags.get(a.versionId) ?? '' } : {}),
      title: `${shortDate(a.startedAt)} ${a.kind} rotation ${outcomeWord(a)} (version ${a.versionId})`,
    }));
  }
  return secret.versions.flatMap((v) => (v.createdDate === null ? [] : [{ at: new Date(v.createdDate), outcome: versionOutcome(v, secret), emergency: false, title: `${shortDate(v.createdDate)} version ${v.versionId} ${v.stages.join(' ') || '(earlier)'}` }]));
}

function versionOutcome(version: ReportVersion, secret: ReportSecret): MarkOutcome {
  if (version.stages.includes('AWSPENDING') && !version.stages.includes('AWSCURRENT')) return secret.status.rotation.state === 'stuck' ? 'failed' : 'in-progress';
  return version.stages.includes('AWSCURRENT') ? 'succeeded' : 'earlier';
}

/** When the secret's value last changed for good: succeeded attempts' finish (ledger), or versions' creation. */
function rotationInstants(secret: ReportSecret): Date[] {
  if (secret.history.source === 'ledger') return secret.history.attempts.flatMap((a) => (a.outcome === 'succeeded' && a.finishedAt !== null ? [new Date(a.finishedAt)] : []));
  return secret.versions.flatMap((v) => (v.createdDate !== null && versionOutcome(v, secret) !== 'in-progress' && versionOutcome(v, secret) !== 'failed' ? [new Date(v.createdDate)] : []));
}

function timelineOf(secret: ReportSecret, index: number, model: ReportModel, axis: { from: Date; to: Date }): string {
  const now = new Date(model.generatedAt);
  const tags = emergencyTags(secret);
  const s = secret.status;
  const rotations = rotationInstants(secret);
  // Rotations before the period are not drawn, but the newest of them is where the age counted from.
  const created = secret.history.source === 'ledger' && secret.history.rotatedBefore !== null ? new Date(secret.history.rotatedBefore) : new Date(s.createdDate);
  const last = s.lastRotatedDate === null ? [] : [new Date(s.lastRotatedDate)];
  const band = ageBand(created, [...rotations, ...last], now, s.age.maxRotationDays, model.settings.dueSoonDays);
  return renderTimeline({
    label: `rotation timeline of ${secret.name}`,
    axis,
    now,
    dueDate: s.age.dueDate === null ? undefined : new Date(s.age.dueDate),
    dueState: s.age.state,
    band,
    marks: marksOf(secret, tags),
    idPrefix: `t${index}`,
  });
}

function kindCell(attempt: RotationAttempt, tag: string | undefined): string {
  const label = attempt.kind === 'emergency' ? 'EMERGENCY' : attempt.kind;
  return `${tag !== undefined ? `<span class="tag">${escapeHtml(tag)}</span> ` : ''}<span class="badge ${attempt.kind}">${escapeHtml(label)}</span>`;
}

function outcomeCell(attempt: RotationAttempt): string {
  const symbol = attempt.outcome === 'succeeded' ? '✔' : attempt.outcome === 'failed' ? '✖' : '…';
  const retries = attempt.retries === 0 ? '' : ` <span class="note">(${attempt.retries} retr${attempt.retries === 1 ? 'y' : 'ies'})</span>`;
  const title = attempt.finishedAt === null ? '' : ` title="finished ${escapeHtml(shortDate(attempt.finishedAt))}"`;
  return `<span class="outcome-${attempt.outcome}"${title}>${symbol} ${escapeHtml(outcomeWord(attempt))}</span>${retries}`;
}

function verifiedCell(attempt: RotationAttempt): string {
  const word = verifiedWord(attempt);
  if (word === 'yes') return `<span class="outcome-succeeded"${attempt.organizationId !== null ? ` title="organisation ${escapeHtml(attempt.organizationId)}"` : ''}>✔ yes</span>`;
  return word === 'no' ? '<span class="outcome-failed">✖ no</span>' : escapeHtml(word);
}

/** The client regenerated, and under it any client revoked or disabled (an emergency's). */
function clientsCell(attempt: RotationAttempt): string {
  const revoked = [
    ...(attempt.revokedClientId !== null ? [`revoked ${id(attempt.revokedClientId)}`] : []),
    ...attempt.disabledClientIds.map((c) => `disabled ${id(c)}`),
  ];
  return [id(attempt.regeneratedClientId), ...revoked.map((line) => `<span class="sub outcome-failed">${line}</span>`)].join('');
}

/** What went wrong and who asked why: the one column that wraps (at spaces; ARNs after `:` and `/`). */
function detailCell(attempt: RotationAttempt): string {
  const parts: string[] = [];
  if (attempt.failure !== null) {
    const { step, errorType, errorMessage } = attempt.failure;
    parts.push(`<span class="outcome-failed">${escapeHtml(step)}: ${escapeHtml(errorType ?? 'error')}</span>${errorMessage !== null ? ` ${escapeHtml(errorMessage)}` : ''}`);
  }
  if (attempt.reason !== null && attempt.reason !== '') parts.push(`<b>reason:</b> ${escapeHtml(attempt.reason)}`);
  if (attempt.requestedBy !== null) parts.push(`<b>asked by</b> <code>${breakableId(attempt.requestedBy)}</code>${attempt.command !== null ? ` (${escapeHtml(attempt.command)})` : ''}`);
  return parts.length === 0 ? '' : parts.join('<br>');
}

function attemptsTable(secret: ReportSecret & { history: { source: 'ledger' } }, tags: Map<string, string>): string {
  if (secret.history.attempts.length === 0) return '<p class="note">No rotation attempt recorded in the period.</p>';
  const rows = secret.history.attempts.map((a) => {
    const css = a.outcome === 'failed' ? ' class="failed"' : a.kind === 'emergency' ? ' class="emergency"' : '';
    const cells = [
      `<td class="when"><span class="id">${escapeHtml(shortDate(a.startedAt))}</span><span class="sub id">${escapeHtml(a.versionId)}</span></td>`,
      `<td class="when">${kindCell(a, tags.get(a.versionId))}</td>`,
      `<td class="when">${outcomeCell(a)}</td>`,
      `<td>${clientsCell(a)}</td>`,
      `<td class="when">${verifiedCell(a)}</td>`,
      `<td class="text">${detailCell(a)}</td>`,
    ];
    return `<tr${css} data-version="${escapeHtml(a.versionId)}">${cells.join('')}</tr>`;
  });
  const header = ['started / version', 'kind', 'outcome', 'client regenerated (revoked)', 'verified', 'failure, reason, who asked'];
  return `<table class="attempts"><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function versionsTable(versions: readonly ReportVersion[], secret: ReportSecret): string {
  const rows = versions.map((version) => {
    const outcome = versionOutcome(version, secret);
    const css = outcome === 'failed' ? ' class="failed"' : '';
    return `<tr${css}><td class="when"><span class="id">${escapeHtml(version.createdDate === null ? '?' : shortDate(version.createdDate))}</span></td><td>${id(version.versionId)}</td><td>${escapeHtml(version.stages.join(', ') || '(no label: earlier version)')}</td></tr>`;
  });
  return `<table class="versions"><thead><tr><th>created</th><th>version</th><th>stages</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * With a ledger, the versions Secrets Manager keeps, in one paragraph: ties the attempts to the stages
 * now, and shows a version the ledger lacks (created before the ledger, or by hand).
 */
function keptVersions(versions: readonly ReportVersion[]): string {
  if (versions.length === 0) return '';
  const items = versions.map((v) => `<span class="id">${escapeHtml(v.versionId)}</span> ${escapeHtml(v.stages.join(', ') || 'earlier')}`);
  return `<p class="note">Secrets Manager keeps: ${items.join(' · ')}</p>`;
}

function secretSection(secret: ReportSecret, index: number, model: ReportModel, axis: { from: Date; to: Date }): string {
  const s = secret.status;
  const tags = emergencyTags(secret);
  const facts: [string, string, boolean?][] = [
    ['ARN', `<code>${breakableId(secret.arn)}</code>`, true],
    ['strategy', escapeHtml(s.strategy ?? '?')],
    ['current client', id(s.clientId)],
    ...(s.alternateClientId !== null ? [['standby client', id(s.alternateClientId)] as [string, string]] : []),
    ['schedule', escapeHtml(scheduleText(secret))],
    ['policy', escapeHtml(policyText(secret))],
    ['last rotated', escapeHtml(s.lastRotatedDate === null ? `never (created ${dateOnly(s.createdDate)})` : shortDate(s.lastRotatedDate))],
    ['next rotation', escapeHtml(s.rotationEnabled ? shortDate(s.nextRotationDate) : 'not scheduled')],
    ['history from', secret.history.source === 'ledger' ? `ledger table <code>${escapeHtml(secret.history.table)}</code>` : 'Secrets Manager versions (no ledger)'],
  ];
  const newest = newestAttempt(secret.history);
  return [
    `<section class="secret ${secret.state}" id="${escapeHtml(anchorOf(secret.name))}" data-secret="${escapeHtml(secret.name)}">`,
    `<header><h2><code>${breakableId(secret.name)}</code></h2>${badge(secret.state)}</header>`,
    secret.stateReason !== null && secret.state !== 'ok' ? `<p class="reason">${escapeHtml(secret.stateReason)}</p>` : '',
    `<dl class="facts">${facts.map(([term, value, wide]) => `<div${wide === true ? ' class="wide"' : ''}><dt>${escapeHtml(term)}</dt><dd>${value}</dd></div>`).join('')}</dl>`,
    timelineOf(secret, index, model, axis),
    secret.history.source === 'ledger'
      ? attemptsTable(secret as ReportSecret & { history: { source: 'ledger' } }, tags)
      : `<p class="warn">${escapeHtml(secret.history.reason)} The timeline shows the versions Secrets Manager still keeps: failed attempts, emergencies and who asked are not known.</p>${versionsTable(secret.versions, secret)}`,
    secret.history.source === 'ledger' ? keptVersions(secret.versions) : '',
    newest !== undefined && newest.kind === 'emergency' && newest.outcome !== 'succeeded' ? `<p class="reason">The newest emergency rotation has not completed: ${escapeHtml(askedText(newest))}</p>` : '',
    '</section>',
  ].join('\n');
}

const SEVERITY: readonly ReportState[] = ['failed', 'stuck', 'overdue', 'due-soon', 'no-policy', 'ok'];

/** The sections' order: what needs attention first, so a reader (or a printout) starts with it. Stable within a state. */
export function bySeverity(secrets: readonly ReportSecret[]): ReportSecret[] {
  return [...secrets].sort((a, b) => SEVERITY.indexOf(a.state) - SEVERITY.indexOf(b.state));
}

/** The axis every timeline shares: the period, stretched to the furthest due date so it shows too. */
function sharedAxis(model: ReportModel): { from: Date; to: Date } {
  const from = new Date(model.period.since);
  const until = Date.parse(model.period.until);
  const dues = model.secrets.flatMap((s) => (s.status.age.dueDate === null ? [] : [Date.parse(s.status.age.dueDate)]));
  const end = Math.max(until, ...dues);
  // A little room after the last date so its mark and label are not on the edge.
  return { from, to: new Date(end + (end - from.getTime()) * 0.02) };
}

function legend(): string {
  const mark = (shape: string): string => `<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">${shape}</svg>`;
  const items = [
    [mark(`<circle cx="9" cy="9" r="6" fill="${COLOURS.ok}"/>`), 'rotation succeeded'],
    [mark(`<circle cx="9" cy="9" r="6" fill="${COLOURS.failed}"/><path d="M6 6 l6 6 M12 6 l-6 6" stroke="#fff" stroke-width="1.8"/>`), 'rotation failed'],
    [mark(`<circle cx="9" cy="9" r="5.5" fill="#fff" stroke="${COLOURS.inProgress}" stroke-width="1.5"/>`), 'in progress / not finished'],
    [mark(`<path d="M9 1 l8 8 l-8 8 l-8 -8 z" fill="${COLOURS.ok}"/>`), 'emergency (E1: see its row)'],
    [mark(`<circle cx="9" cy="9" r="8" fill="${COLOURS.ok}"/><text x="9" y="12.5" text-anchor="middle" class="count">3</text>`), 'several attempts close together'],
    [mark(`<circle cx="9" cy="9" r="6" fill="${COLOURS.earlier}"/>`), 'earlier version (no ledger)'],
    [`<svg width="34" height="10" aria-hidden="true"><rect width="34" height="8" y="1" fill="${COLOURS.ok}"/></svg>`, 'age within policy'],
    [`<svg width="34" height="10" aria-hidden="true"><defs><pattern id="lg-soon" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${COLOURS.dueSoon}"/><path d="M0 6 L6 0" stroke="#ffe08a" stroke-width="1.5"/></pattern></defs><rect width="34" height="8" y="1" fill="url(#lg-soon)"/></svg>`, 'due soon'],
    [`<svg width="34" height="10" aria-hidden="true"><defs><pattern id="lg-over" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="${COLOURS.overdue}"/><path d="M0 0 L0 5" stroke="#fff" stroke-width="2"/></pattern></defs><rect width="34" height="8" y="1" fill="url(#lg-over)"/></svg>`, 'overdue (older than the policy)'],
    [`<svg width="18" height="18" aria-hidden="true"><line x1="9" y1="0" x2="9" y2="18" stroke="${COLOURS.axis}" stroke-width="1.5" stroke-dasharray="4 3"/></svg>`, 'policy due date'],
    [`<svg width="18" height="18" aria-hidden="true"><line x1="9" y1="0" x2="9" y2="18" stroke="#1b1f24" stroke-width="1.5"/></svg>`, 'now'],
  ];
  return `<div class="legend" aria-label="legend">${items.map(([icon, text]) => `<span>${icon ?? ''}${escapeHtml(text ?? '')}</span>`).join('')}</div>`;
}

function countsList(model: ReportModel): string {
  const { counts } = model;
  const items: [ReportState, number, string][] = [
    ['ok', counts.ok, 'ok'],
    ['due-soon', counts.dueSoon, 'due soon'],
    ['overdue', counts.overdue, 'overdue'],
    ['failed', counts.failed, 'failed'],
    ['stuck', counts.stuck, 'stuck'],
    ...(counts.noPolicy > 0 ? [['no-policy', counts.noPolicy, 'no policy'] as [ReportState, number, string]] : []),
  ];
  return `<ul class="counts" id="counts">${items.map(([state, n, word]) => `<li class="st-${state}${n === 0 ? ' zero' : ''}" data-state="${state}"><span class="n">${n}</span>${STATE_WORDS[state].symbol} ${escapeHtml(word)}</li>`).join('')}</ul>`;
}

export function renderHtmlReport(model: ReportModel): string {
  const axis = sharedAxis(model);
  const header = ['secret', 'state', 'current client', 'last rotated', 'age / policy', 'due', 'next rotation', 'attempts'];
  const withoutLedger = model.secrets.filter((s) => s.history.source === 'versions').length;
  const meta = [
    `account <b>${escapeHtml(model.account ?? 'unknown')}</b>`,
    `Region <b>${escapeHtml(model.region ?? 'unknown')}</b>`,
    `period <b>${escapeHtml(dateOnly(model.period.since))}</b> to <b>${escapeHtml(dateOnly(model.period.until))}</b>`,
    `generated <b>${escapeHtml(shortDate(model.generatedAt))}</b>`,
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Genesys OAuth secret rotation report ${escapeHtml(dateOnly(model.generatedAt))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Genesys OAuth secret rotation report</h1>
<p class="meta">${meta.join(' · ')}</p>
<p>${model.counts.total} managed secret${model.counts.total === 1 ? '' : 's'}, each counted once by its worst state:</p>
${countsList(model)}
<p class="note">Due soon: within ${model.settings.dueSoonDays} days of the policy. Stuck: an AWSPENDING version older than ${model.settings.stuckAfterMinutes} minutes, or one that never got a value. Failed: the current document is unusable, no stored credentials are accepted, or the newest rotation attempt failed. A secret never rotated (*) counts its age from its creation. No secret value or token appears in this report.</p>
${withoutLedger > 0 ? `<p class="warn">${withoutLedger} of ${model.counts.total} secrets have no rotation ledger: their history comes from the versions Secrets Manager still keeps, which do not show failed attempts, emergencies or who asked.</p>` : ''}
<table id="status">
<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${model.secrets.map(statusRow).join('\n')}
</tbody>
</table>
<h2 style="margin-top:1.4rem">Rotation timelines, ${escapeHtml(dateOnly(model.period.since))} to ${escapeHtml(dateOnly(model.period.until))}</h2>
${legend()}
<p class="note">Secrets that need attention come first: failed, stuck, overdue, due soon, then the others, each group by name.</p>
${bySeverity(model.secrets).map((s, index) => secretSection(s, index, model, axis)).join('\n')}
</body>
</html>
`;
}
