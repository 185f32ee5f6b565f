import { ageBand, clusterMarks, placeLabels, renderTimeline, TIMELINE_WIDTH, type TimelineMark } from '../../../../cli/render/timeline-svg';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const day = (n: number): Date => new Date(T0 + n * DAY);
const mark = (n: number, outcome: TimelineMark['outcome'] = 'succeeded', emergency = false): TimelineMark => ({ at: day(n), outcome, emergency, title: `day ${n}` });

describe('Function: ageBand', () => {
  it('colours each stretch between rotations ok, then due soon, then overdue past the policy', () => {
    // Prepare: policy 30 days, due soon 5 days before; rotated on day 20 (on time) and day 70 (20 days late)
    // Act
    const band = ageBand(day(0), [day(20), day(70)], day(80), 30, 5);

    // Assess
    expect(band.map((s) => [s.state, (s.from.getTime() - T0) / DAY, (s.to.getTime() - T0) / DAY])).toEqual([
      ['ok', 0, 20],
      ['ok', 20, 45],
      ['due-soon', 45, 50],
      ['overdue', 50, 70],
      ['ok', 70, 80],
    ]);
  });

  it('is one grey stretch per rotation without a policy', () => {
    expect(ageBand(day(0), [day(10)], day(30), null, 5).map((s) => s.state)).toEqual(['no-policy', 'no-policy']);
  });
});

describe('Function: clusterMarks', () => {
  it('merges marks closer than a few units into one with all of them, and keeps distant ones apart', () => {
    // Prepare: 1 unit per day
    const x = (date: Date): number => (date.getTime() - T0) / DAY;

    // Act
    const clusters = clusterMarks([mark(0), mark(3, 'failed'), mark(5), mark(40), mark(100)], x);

    // Assess
    expect(clusters.map((c) => c.marks.length)).toEqual([3, 1, 1]);
    expect(clusters[0]?.x).toBeCloseTo(8 / 3);
  });
});

describe('Function: placeLabels', () => {
  it('keeps labels inside the drawing and moves an overlapping one to another row', () => {
    // Act
    const placed = placeLabels([
      { text: 'now', x: TIMELINE_WIDTH - 2, colour: '#000' },
      { text: 'due 2027-01-05', x: TIMELINE_WIDTH - 10, colour: '#000' },
      { text: 'E1', x: 0, colour: '#000' },
    ]);

    // Assess
    for (const label of placed) {
      expect(label.x).toBeGreaterThanOrEqual(0);
      expect(label.x + label.text.length * 6.4).toBeLessThanOrEqual(TIMELINE_WIDTH);
    }
    expect(placed[0]?.y).not.toBe(placed[1]?.y);
  });
});

describe('Function: renderTimeline', () => {
  const input = {
    label: 'timeline of <x>',
    axis: { from: day(0), to: day(400) },
    now: day(365),
    dueDate: day(380),
    dueState: 'ok' as const,
    band: ageBand(day(0), [day(100)], day(365), 300, 7),
    idPrefix: 't0',
  };

  it('draws one mark per distant attempt, a counted cluster for close ones, crosses failures and escapes text', () => {
    // Act
    const svg = renderTimeline({ ...input, marks: [mark(100), mark(200, 'failed'), mark(300), mark(300.5), mark(301, 'succeeded', true)] });

    // Assess
    expect(svg.match(/<g class="mark"/g)).toHaveLength(2);
    expect(svg).toMatch(/<g class="mark cluster" data-count="3">/);
    // the failed mark carries a white cross as well as its red fill
    expect(svg).toMatch(/fill="#c62828" stroke="#ffffff" stroke-width="1.5"\/><path d="M[\d.]+ 47 l6 6/);
    expect(svg).toContain('aria-label="timeline of &lt;x&gt;"');
    expect(svg).toContain('>now</text>');
    expect(svg).toContain('>due 2027-01-16</text>');
  });

  it('labels months without clipping at either edge', () => {
    const svg = renderTimeline({ ...input, marks: [] });
    const ticks = [...svg.matchAll(/<text x="([\d.]+)" y="\d+" text-anchor="(\w+)" class="tick">([^<]+)</g)];
    expect(ticks.length).toBeGreaterThan(6);
    expect(ticks.map((t) => t[3])).toContain('Jan 2027');
    for (const [, x, anchor, text] of ticks) {
      const width = (text ?? '').length * 6.4 + 6;
      const left = anchor === 'start' ? Number(x) : anchor === 'end' ? Number(x) - width : Number(x) - width / 2;
      expect(left).toBeGreaterThanOrEqual(0);
      expect(left + width).toBeLessThanOrEqual(TIMELINE_WIDTH);
    }
  });
});
