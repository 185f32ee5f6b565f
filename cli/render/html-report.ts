/**
 * The auditor's report: one self-contained HTML page (inline CSS, inline SVG, no script, a CSP that
 * forbids any fetch) with the status table and a rotation timeline per secret built from the
 * versions' creation dates. Only metadata goes in: names, ARNs, client ids, dates, stages.
 */
import type { SecretStatus, StatusSummary } from '../gather-status';
import type { VersionInfo } from '../aws/managed-secrets';
import { shortDate } from './text';

export interface ReportInput {
  readonly generatedAt: Date;
  readonly summary: StatusSummary;
  readonly secrets: readonly { readonly status: SecretStatus; readonly versions: readonly VersionInfo[] }[];
  readonly settings: { readonly dueSoonDays: number; readonly stuckAfterMinutes: number; readonly usageDays: number | null };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
tr.overdue td, tr.failed td { background: #fde2e1; }
tr.due-soon td { background: #fff4d6; }
.badge { font-weight: 600; }
.overdue .badge, .failed .badge, .bad { color: #b00020; }
.due-soon .badge { color: #8a5a00; }
section.secret { margin-top: 2rem; border-top: 1px solid #c8c8c8; }
section.secret.overdue h2, section.secret.failed h2 { color: #b00020; }
svg text { font-size: 11px; font-family: system-ui, sans-serif; }
code { font-size: 0.85rem; }
`;

function stateLabel(status: SecretStatus): { css: string; label: string } {
  if (status.credentials.state === 'broken') return { css: 'failed', label: 'FAILED (no stored credentials work)' };
  if (status.rotation.state === 'stuck' || status.documentError !== null) return { css: 'failed', label: status.rotation.state === 'stuck' ? 'FAILED (stuck rotation)' : 'FAILED (unusable document)' };
  switch (status.age.state) {
    case 'overdue':
      return { css: 'overdue', label: 'OVERDUE' };
    case 'due-soon':
      return { css: 'due-soon', label: 'due soon' };
    case 'ok':
      return { css: 'ok', label: 'ok' };
    case 'no-policy':
      return { css: 'no-policy', label: 'no policy' };
  }
}

function usageText(status: SecretStatus): string {
  const usage = status.previousClientUsage;
  if (usage === null) return '-';
  if (usage.error !== undefined) return 'unknown (error)';
  return `${usage.verdict} (${usage.requests} requests${usage.lastUsedDay !== undefined ? `, last ${usage.lastUsedDay}` : ''})`;
}

function statusRow(status: SecretStatus): string {
  const { css, label } = stateLabel(status);
  const cells = [
    `<code>${escapeHtml(status.name)}</code>`,
    escapeHtml(status.strategy ?? '?'),
    `<code>${escapeHtml(status.clientId ?? '?')}</code>`,
    escapeHtml(status.lastRotatedDate === null ? 'never' : shortDate(status.lastRotatedDate)),
    escapeHtml(shortDate(status.nextRotationDate)),
    escapeHtml(`${status.age.days.toFixed(1)} d${status.age.since === 'created' ? ' (since creation: never rotated)' : ''}`),
    escapeHtml(status.age.maxRotationDays === null ? '-' : `${status.age.maxRotationDays} d, due ${shortDate(status.age.dueDate)}`),
    `<span class="badge">${escapeHtml(label)}</span>`,
    escapeHtml(status.rotation.state === 'idle' ? (status.rotationEnabled ? 'idle' : 'not scheduled') : (status.rotation.reason ?? status.rotation.state)),
    escapeHtml(usageText(status)),
  ];
  return `<tr class="${css}" data-secret="${escapeHtml(status.name)}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/** Versions on a horizontal axis from the secret's creation to now, with the policy due date. */
function timelineSvg(status: SecretStatus, versions: readonly VersionInfo[], now: Date): string {
  const width = 760;
  const left = 20;
  const right = width - 20;
  const axisY = 40;
  const dated = versions.filter((v): v is VersionInfo & { createdDate: Date } => v.createdDate !== undefined);
  const start = Math.min(Date.parse(status.createdDate), ...dated.map((v) => v.createdDate.getTime()));
  const due = status.age.dueDate === null ? undefined : Date.parse(status.age.dueDate);
  const end = Math.max(now.getTime(), due ?? 0, start + 1);
  const x = (ms: number): number => left + ((ms - start) / (end - start)) * (right - left);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="90" role="img" aria-label="rotation timeline of ${escapeHtml(status.name)}">`,
    `<line x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}" stroke="#888"/>`,
    `<line x1="${x(now.getTime()).toFixed(1)}" y1="${axisY - 15}" x2="${x(now.getTime()).toFixed(1)}" y2="${axisY + 15}" stroke="#1b1b1b"/>`,
    `<text x="${x(now.getTime()).toFixed(1)}" y="${axisY + 28}" text-anchor="end">now</text>`,
  ];
  if (due !== undefined) {
    const colour = status.age.state === 'overdue' ? '#b00020' : '#8a5a00';
    parts.push(`<line x1="${x(due).toFixed(1)}" y1="${axisY - 20}" x2="${x(due).toFixed(1)}" y2="${axisY + 20}" stroke="${colour}" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${x(due).toFixed(1)}" y="${axisY - 24}" text-anchor="middle" fill="${colour}">policy due ${escapeHtml(shortDate(status.age.dueDate))}</text>`);
  }
  for (const version of [...dated].reverse()) {
    const cx = x(version.createdDate.getTime()).toFixed(1);
    const pending = version.stages.includes('AWSPENDING') && !version.stages.includes('AWSCURRENT');
    const fill = pending ? (status.rotation.state === 'stuck' ? '#b00020' : '#8a5a00') : version.stages.includes('AWSCURRENT') ? '#1a7f37' : '#888';
    parts.push(
      `<circle cx="${cx}" cy="${axisY}" r="5" fill="${fill}"><title>${escapeHtml(`${version.versionId} ${version.createdDate.toISOString()} ${version.stages.join(' ') || '(deprecated)'}`)}</title></circle>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

function versionTable(versions: readonly VersionInfo[], status: SecretStatus): string {
  const rows = versions.map((version) => {
    const pending = version.stages.includes('AWSPENDING') && !version.stages.includes('AWSCURRENT');
    const css = pending && status.rotation.state === 'stuck' ? ' class="failed"' : '';
    return `<tr${css}><td>${escapeHtml(version.createdDate?.toISOString() ?? '?')}</td><td><code>${escapeHtml(version.versionId)}</code></td><td>${escapeHtml(version.stages.join(', ') || '(no label: earlier version)')}</td></tr>`;
  });
  return `<table><thead><tr><th>created</th><th>version</th><th>stages</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function secretSection(status: SecretStatus, versions: readonly VersionInfo[], now: Date): string {
  const { css, label } = stateLabel(status);
  const facts = [
    `ARN <code>${escapeHtml(status.arn)}</code>`,
    `strategy ${escapeHtml(status.strategy ?? '?')}`,
    `current client <code>${escapeHtml(status.clientId ?? '?')}</code>`,
    ...(status.alternateClientId !== null ? [`standby client <code>${escapeHtml(status.alternateClientId)}</code>`] : []),
    `created ${escapeHtml(shortDate(status.createdDate))}`,
    `state <span class="badge">${escapeHtml(label)}</span>`,
  ];
  const problems = [status.rotation.reason, status.documentError === null ? null : `current document unusable: ${status.documentError}`].filter((p): p is string => p !== null);
  return [
    `<section class="secret ${css}" data-secret="${escapeHtml(status.name)}">`,
    `<h2>${escapeHtml(status.name)}</h2>`,
    `<p>${facts.join(' · ')}</p>`,
    ...problems.map((problem) => `<p class="bad">${escapeHtml(problem)}</p>`),
    timelineSvg(status, versions, now),
    versionTable(versions, status),
    '</section>',
  ].join('\n');
}

export function renderHtmlReport(input: ReportInput): string {
  const { summary, generatedAt, settings } = input;
  const header = ['secret', 'strategy', 'current client', 'last rotated', 'next rotation', 'age', 'policy', 'state', 'rotation', 'previous client use'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Genesys OAuth secret rotation report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Genesys OAuth secret rotation report</h1>
<p>Generated ${escapeHtml(generatedAt.toISOString())}. ${summary.total} managed secrets: ${summary.ok} ok, ${summary.dueSoon} due soon,
<span class="${summary.overdue > 0 ? 'bad' : ''}">${summary.overdue} overdue</span>, <span class="${summary.stuck > 0 ? 'bad' : ''}">${summary.stuck} with a stuck or failed rotation</span>${summary.broken > 0 ? `, <span class="bad">${summary.broken} without working stored credentials</span>` : ''}${summary.failed > 0 ? `, <span class="bad">${summary.failed} with an unusable document</span>` : ''}.
Due soon = within ${settings.dueSoonDays} days of the policy; a rotation is stuck when its AWSPENDING version is older than ${settings.stuckAfterMinutes} minutes or never got a value.
A secret never rotated counts its age from its creation. No secret value appears in this report.</p>
<table id="status">
<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${input.secrets.map((s) => statusRow(s.status)).join('\n')}
</tbody>
</table>
<h1>Rotation timelines</h1>
<p>Each dot is a version of the secret, at its creation date: green AWSCURRENT, amber or red a pending one, grey earlier ones. The dashed line is the date the policy requires the next rotation by.</p>
${input.secrets.map((s) => secretSection(s.status, s.versions, generatedAt)).join('\n')}
</body>
</html>
`;
}
