/** `npm run demo` is one of the two set-up commands: CI runs it as a real process. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('npm run demo', () => {
  it('rotates, notifies and keeps integrations working, exiting 0 with no secret in its output', () => {
    // Act
    const result = spawnSync(process.execPath, [join('node_modules', 'tsx', 'dist', 'cli.mjs'), join('bin', 'demo.ts')], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 120_000,
    });
    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Demo passed');
    expect(result.stdout).toMatch(/crm\s+single\s+\d+ calls, 0 failed/);
    expect(result.stdout).toMatch(/nightly-jobs\s+alternating\s+\d+ calls, 0 failed/);
    expect(result.stdout).toContain('5 signed deliveries verified');
    expect(result.stdout).toMatch(/Leak check: none of the \d+ secrets and \d+ tokens issued appears/);
  }, 150_000);
});
