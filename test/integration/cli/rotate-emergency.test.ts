import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseEmergencyTag } from '../../../lambdas/core/rotation/emergency-tag';
import { parseSecretDocument, type SecretDocument } from '../../../lambdas/core/secret-document';
import type { Sandbox, SandboxOrg } from '../../../local/sandbox';
import { runAgainst, ShiftableClock, startSandbox } from './harness';

jest.setTimeout(30_000);

async function documentAt(sandbox: Sandbox, secretId: string, stage: string): Promise<SecretDocument> {
  const out = await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  return parseSecretDocument(out.SecretString);
}

async function tagsOf(sandbox: Sandbox, secretId: string): Promise<Record<string, string>> {
  const out = await sandbox.secretsManager.send(new DescribeSecretCommand({ SecretId: secretId }));
  return Object.fromEntries((out.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

interface StepJson {
  step: string;
  status: string;
}

describe('CLI rotate and emergency', () => {
  const clock = new ShiftableClock();
  let sandbox: Sandbox;
  let org: SandboxOrg;
  const outputs: string[] = [];

  /** A managed client whose rotation function is configured (as the stack does) by a first rotation, 3 days ago. */
  async function managed(name: string, strategy: 'single' | 'alternating') {
    clock.daysAgo(3);
    try {
      const client = await sandbox.addManagedClient(org, { name, strategy });
      expect((await sandbox.rotate(client.secretArn)).ok).toBe(true);
      return client;
    } finally {
      clock.present();
    }
  }

  async function cli(argv: string[], options: Parameters<typeof runAgainst>[2] = {}) {
    const run = await runAgainst(sandbox, argv, options);
    outputs.push(run.stdout, run.stderr);
    return run;
  }

  beforeAll(async () => {
    sandbox = await startSandbox(clock);
    org = await sandbox.createOrg('Acme');
  });

  afterAll(async () => {
    await sandbox.close();
  });

  describe('rotate', () => {
    it('rotates an alternating secret now, waits, and reports every step', async () => {
      // Prepare
      const jobs = await managed('jobs', 'alternating');
      const before = await documentAt(sandbox, jobs.secretArn, 'AWSCURRENT');
      // Act
      const run = await cli(['rotate', 'genesys-rotator/acme/jobs', '--json']);
      // Assess
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as { succeeded: boolean; versionId: string; steps: StepJson[]; clientBefore: string; clientAfter: string; regeneratedClientId: string; exitCode: number };
      const after = await documentAt(sandbox, jobs.secretArn, 'AWSCURRENT');
      expect(result).toMatchObject({ succeeded: true, clientBefore: before.clientId, clientAfter: after.clientId, regeneratedClientId: before.alternateClientId, exitCode: 0 });
      expect(after.clientId).toBe(before.alternateClientId);
      expect(result.steps.map((s) => [s.step, s.status])).toEqual([
        ['RotateSecret', 'done'],
        ['createSecret', 'done'],
        ['setSecret', 'done'],
        ['testSecret', 'done'],
        ['finishSecret', 'done'],
      ]);
      const versions = sandbox.aws.secretsManager.versions(jobs.secretArn);
      expect(versions.find((v) => v.versionId === result.versionId)?.stages).toEqual(['AWSCURRENT']);
    });

    it('reports the usage of the standby it regenerates, in the table output', async () => {
      // Prepare
      const api = await managed('api', 'alternating');
      const standby = (await documentAt(sandbox, api.secretArn, 'AWSCURRENT')).alternateClientId!;
      sandbox.genesys.recordUsage(standby, { requests: 7, date: new Date(Date.now() - 86_400_000).toISOString() });
      // Act
      const run = await cli(['rotate', api.secretArn]);
      // Assess
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage of client ${standby}: IN USE: 7 requests`);
      expect(run.stdout).toMatch(/finishSecret\s+done/);
      expect(run.stdout).toMatch(/Rotated: version \S+ is AWSCURRENT/);
    });

    it('exits 1 and says what is known when the rotation does not finish in time', async () => {
      // Prepare: every regenerate is refused, so createSecret never stores a value.
      const crm = await managed('crm', 'single');
      sandbox.genesys.faults.failNext(10, { method: 'POST', path: /\/secret$/, status: 403 });
      try {
        // Act
        const run = await cli(['rotate', crm.secretArn, '--timeout', '0.3', '--json']);
        // Assess
        expect(run.code).toBe(1);
        const result = JSON.parse(run.stdout) as { succeeded: boolean; outcome: string; failure: string; steps: StepJson[] };
        expect(result).toMatchObject({ succeeded: false, outcome: 'not-finished' });
        expect(result.failure).toContain('is not AWSCURRENT yet after');
        // Younger than status's 5-minute grace: not known to have failed (status calls it stuck later).
        expect(result.steps.find((s) => s.step === 'createSecret')?.status).toBe('pending');
        expect(result.steps.find((s) => s.step === 'finishSecret')?.status).toBe('pending');
      } finally {
        await sandbox.aws.secretsManager.waitForRotation(crm.secretArn);
        sandbox.genesys.faults.reset();
      }
    });

    it('shows progress on a terminal and nothing when piped', async () => {
      // Prepare: a little latency so that at least one poll sees the rotation running.
      const svc = await managed('svc', 'single');
      sandbox.genesys.faults.latencyMs = 30;
      try {
        // Act
        const terminal = await cli(['rotate', svc.secretArn], { isTTY: true });
        const piped = await cli(['rotate', svc.secretArn], { isTTY: false });
        // Assess
        expect(terminal.code).toBe(0);
        expect(terminal.stderr).toMatch(/rotating genesys-rotator\/acme\/svc/);
        expect(terminal.stderr.endsWith('\r\x1b[2K')).toBe(true); // the line is cleared at the end
        expect(piped.code).toBe(0);
        expect(piped.stderr).toBe('');
      } finally {
        sandbox.genesys.faults.reset();
      }
    });
  });

  describe('emergency', () => {
    it('revokes the leaked alternating credentials, clears its tag, and reports what was revoked', async () => {
      // Prepare
      const pay = await managed('pay', 'alternating');
      const leaked = await documentAt(sandbox, pay.secretArn, 'AWSCURRENT');
      sandbox.genesys.recordUsage(leaked.clientId, { requests: 5 });
      // Act
      const run = await cli(['emergency', pay.secretArn, '--reason', 'posted in #general (ticket 4711)!', '--yes', '--json']);
      // Assess
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as {
        reason: string;
        revokedClientId: string;
        currentClientId: string;
        emergencyTagCleared: boolean;
        leakedCredentialsRefused: boolean;
        usageOfRevokedClient: { verdict: string; clientId: string };
        steps: StepJson[];
      };
      expect(result).toMatchObject({
        reason: 'posted in general ticket 4711',
        revokedClientId: leaked.clientId,
        currentClientId: leaked.alternateClientId,
        emergencyTagCleared: true,
        leakedCredentialsRefused: true,
        usageOfRevokedClient: { verdict: 'in-use', clientId: leaked.clientId },
      });
      expect(result.steps.find((s) => s.step === 'emergencyTag')?.status).toBe('done');
      expect(JSON.parse(run.stdout)).toMatchObject({ disabledClientIds: [leaked.clientId, leaked.alternateClientId], tokensEnded: true, tokensMayStayValidUntil: null });
      expect(sandbox.genesys.clientView(leaked.clientId)?.state).toBe('disabled');
      // The truth, from the stand-ins: leaked secret dead, tag gone, new credentials work, event marked emergency.
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
      expect((await documentAt(sandbox, pay.secretArn, 'AWSPREVIOUS')).clientId).toBe(leaked.clientId);
      expect(await tagsOf(sandbox, pay.secretArn)).not.toHaveProperty('genesys-rotator:emergency');
      const current = await documentAt(sandbox, pay.secretArn, 'AWSCURRENT');
      expect(sandbox.genesys.secretWorks(current.clientId, current.clientSecret)).toBe(true);
      const events = sandbox.aws.eventBridge.entries().filter((e) => e.detail.includes(pay.secretArn));
      expect(JSON.parse(events.at(-1)!.detail)).toMatchObject({ emergency: true, clientId: current.clientId });
    });

    it('regenerates a single client and tells the operator about tokens issued before', async () => {
      // Prepare
      const ops = await managed('ops', 'single');
      const leaked = await documentAt(sandbox, ops.secretArn, 'AWSCURRENT');
      // Act
      const run = await cli(['emergency', 'genesys-rotator/acme/ops', '--reason', 'laptop stolen', '--yes']);
      // Assess
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Revoked: the leaked secret of client ${leaked.clientId} (regenerated: it no longer works)`);
      expect(run.stdout).toContain(`Genesys Cloud refuses the leaked credentials of client ${leaked.clientId}`);
      expect(run.stdout).toContain('Emergency tag: cleared.');
      expect(run.stdout).toMatch(/Access tokens issued before the rotation stay valid until \S+ \(token lifetime 86400 s\): they were not ended\./);
      expect(run.stdout).toContain(
        `Access tokens: not ended: client ${leaked.clientId} keeps serving, so access tokens issued before stay valid until they expire (a token taken with the leaked credentials of client ${leaked.clientId} before it STILL WORKS); --end-tokens ends them`,
      );
      expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
    });

    it('single with --end-tokens: disables and re-enables the client around the regenerate; a token taken before is refused', async () => {
      // Prepare
      const ops = await managed('ops-end', 'single');
      const leaked = await documentAt(sandbox, ops.secretArn, 'AWSCURRENT');
      // Act
      const run = await cli(['emergency', ops.secretArn, '--reason', 'laptop stolen', '--end-tokens', '--yes']);
      const json = await cli(['emergency', ops.secretArn, '--reason', 'again', '--end-tokens', '--yes', '--json']);
      // Assess
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`disables client ${leaked.clientId} (ending its access tokens), regenerates its secret`);
      expect(run.stdout).toContain(
        `Access tokens: client ${leaked.clientId} was disabled just before its regenerate and enabled again once the new secret was stored (state now active): ` +
          `a token taken with the leaked credentials of client ${leaked.clientId} before it is refused;`,
      );
      expect(run.stdout).not.toContain('they were not ended');
      expect(sandbox.genesys.clientView(leaked.clientId)?.state).toBe('active');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ endTokens: true, disabledClientIds: [leaked.clientId], tokensEnded: true, tokensMayStayValidUntil: null });
      const now = await documentAt(sandbox, ops.secretArn, 'AWSCURRENT');
      expect(sandbox.genesys.secretWorks(now.clientId, now.clientSecret)).toBe(true);
    });

    it('the admin pair: the new active admin disables the leaked one; a token taken before is refused', async () => {
      // Prepare: the admin pair's rotation configured as the stack does
      const other = await sandbox.createOrg('Admins');
      expect((await sandbox.scheduleRotation(other.adminSecretArn)).ok).toBe(true);
      const leaked = await documentAt(sandbox, other.adminSecretArn, 'AWSCURRENT');
      // Act
      const run = await cli(['emergency', other.adminSecretArn, '--reason', 'admin leaked', '--yes', '--json']);
      // Assess
      expect(run.code).toBe(0);
      const now = await documentAt(sandbox, other.adminSecretArn, 'AWSCURRENT');
      expect(JSON.parse(run.stdout)).toMatchObject({ disabledClientIds: [leaked.clientId, now.clientId], tokensEnded: true, currentClientId: now.clientId });
      expect(sandbox.genesys.clientView(leaked.clientId)?.state).toBe('disabled');
      expect(sandbox.genesys.clientView(now.clientId)?.state).toBe('active');
    });

    it('plan and verify show the standby the emergency disabled as expected; a disabled current client fails them', async () => {
      // Prepare
      const crm = await managed('crm-after', 'alternating');
      const leaked = await documentAt(sandbox, crm.secretArn, 'AWSCURRENT');
      expect((await cli(['emergency', crm.secretArn, '--reason', 'leak', '--yes'])).code).toBe(0);
      // Act
      const plan = await cli(['plan', crm.secretArn]);
      const verify = await cli(['verify', crm.secretArn, '--json']);
      // Assess
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain(`clients: current client active; standby client ${leaked.clientId} is disabled (after emergency; re-enabled by the next rotation)`);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toContain('disabled (after emergency; re-enabled by the next rotation)');

      // Prepare: the current client disabled by hand
      const now = await documentAt(sandbox, crm.secretArn, 'AWSCURRENT');
      sandbox.genesys.setClientState(now.clientId, 'disabled');
      try {
        // Act
        const broken = await cli(['plan', crm.secretArn]);
        // Assess
        expect(broken.code).toBe(1);
        expect(broken.stdout).toContain(`current client ${now.clientId} is disabled: consumers get no tokens`);
      } finally {
        sandbox.genesys.setClientState(now.clientId, 'active');
      }
    });

    it('asks for confirmation, and changes nothing when the answer is no', async () => {
      // Prepare
      const hr = await managed('hr', 'alternating');
      const versionsBefore = sandbox.aws.secretsManager.versions(hr.secretArn);
      sandbox.aws.resetCounts();
      // Act
      const run = await cli(['emergency', hr.secretArn, '--reason', 'leak'], { stdin: 'no\n' });
      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Type "yes" to continue');
      expect(run.stderr).toContain('Aborted: nothing changed.');
      const counts = sandbox.aws.requestCounts();
      expect(counts.TagResource ?? 0).toBe(0);
      expect(counts.RotateSecret ?? 0).toBe(0);
      expect(sandbox.aws.secretsManager.versions(hr.secretArn)).toEqual(versionsBefore);
    });

    it('keeps the emergency tag when waiting fails after the rotation started (the rotation must still revoke)', async () => {
      // Prepare: once createSecret ran, every DescribeSecret is refused for a while: the CLI's wait
      // fails, and so do the rotation's next steps (Secrets Manager would retry them later).
      const leaky = await managed('leaky', 'alternating');
      sandbox.afterStep = (step) => {
        if (step === 'createSecret') sandbox.aws.secretsManager.failNext('DescribeSecret', 1_000, 'AccessDeniedException');
        return Promise.resolve();
      };
      try {
        // Act
        const run = await cli(['emergency', leaky.secretArn, '--reason', 'leak', '--yes']);
        // Assess
        expect(run.code).not.toBe(0);
      } finally {
        sandbox.afterStep = undefined;
        await sandbox.aws.secretsManager.waitForAllRotations();
        sandbox.aws.secretsManager.clearFaults();
      }
      const tag = (await tagsOf(sandbox, leaky.secretArn))['genesys-rotator:emergency'];
      expect(tag).toBeDefined();
      expect(parseEmergencyTag(tag!).reason).toBe('leak');
    });

    it.each(['single', 'alternating'] as const)(
      '%s: waits for a rotation in flight (it cannot honour the request), rotates again, and exits 0 only then',
      async (strategy) => {
        // Prepare: a rotation between createSecret and finishSecret; its AWSPENDING value exists already.
        const mid = await managed(`mid-${strategy}`, strategy);
        const before = await documentAt(sandbox, mid.secretArn, 'AWSCURRENT');
        const previous = await documentAt(sandbox, mid.secretArn, 'AWSPREVIOUS');
        const inFlight = sandbox.aws.secretsManager.stageToken(mid.secretArn);
        await sandbox.aws.secretsManager.runStep(mid.secretArn, inFlight, 'createSecret');
        const pending = await documentAt(sandbox, mid.secretArn, 'AWSPENDING');
        // Act
        const run = await cli(['emergency', mid.secretArn, '--reason', 'pasted in chat', '--yes', '--json']);
        // Assess: the in-flight rotation finished without honouring it; a fresh one honoured it.
        expect(run.code).toBe(0);
        const result = JSON.parse(run.stdout) as {
          inFlightVersionId: string;
          honoured: boolean;
          honouredByVersionId: string;
          rotations: { versionId: string; origin: string; emergency: string }[];
          leakChecks: { stage: string; refused: boolean }[];
          leakedCredentialsRefused: boolean;
          emergencyTagCleared: boolean;
        };
        expect(result).toMatchObject({ inFlightVersionId: inFlight, honoured: true, leakedCredentialsRefused: true, emergencyTagCleared: true });
        expect(result.rotations.map((r) => [r.versionId, r.origin, r.emergency])).toEqual([
          [inFlight, 'in-flight', 'not-honoured'],
          [result.honouredByVersionId, 'started', 'honoured'],
        ]);
        expect(result.leakChecks.map((c) => [c.stage, c.refused])).toEqual(expect.arrayContaining([['AWSCURRENT', true], ['AWSPENDING', true]]));
        const detail = (versionId: string) =>
          sandbox.aws.eventBridge
            .entries()
            .filter((e) => e.detail.includes(versionId))
            .map((e) => (JSON.parse(e.detail) as { emergency: boolean }).emergency);
        expect(detail(inFlight)).toEqual([false]);
        expect(detail(result.honouredByVersionId)).toEqual([true]);
        // The truth: nothing stored when the emergency was requested works, the in-flight value included.
        for (const leaked of [pending, before, previous]) expect(sandbox.genesys.secretWorks(leaked.clientId, leaked.clientSecret)).toBe(false);
        expect(await tagsOf(sandbox, mid.secretArn)).not.toHaveProperty('genesys-rotator:emergency');
      },
    );

    it('exits 1, says the emergency is not done and keeps the tag when no rotation can honour it in time', async () => {
      // Prepare: a rotation in flight; every later regenerate is refused, so the fresh rotation cannot run.
      const stuck = await managed('cannot', 'single');
      const inFlight = sandbox.aws.secretsManager.stageToken(stuck.secretArn);
      await sandbox.aws.secretsManager.runStep(stuck.secretArn, inFlight, 'createSecret');
      const pending = await documentAt(sandbox, stuck.secretArn, 'AWSPENDING');
      sandbox.genesys.faults.failNext(20, { method: 'POST', path: /\/secret$/, status: 403 });
      try {
        // Act
        const run = await cli(['emergency', stuck.secretArn, '--reason', 'leak', '--yes', '--timeout', '1']);
        // Assess
        expect(run.code).toBe(1);
        expect(run.stdout).toContain('NOT DONE YET: the emergency is not done: version');
        expect(run.stdout).toContain('Emergency tag: still set (the next rotation honours it).');
        expect(run.stdout).not.toContain('Emergency: honoured');
        expect(await tagsOf(sandbox, stuck.secretArn)).toHaveProperty('genesys-rotator:emergency');
        // The in-flight value became current and still works: reporting success would have been a lie.
        expect(sandbox.genesys.secretWorks(pending.clientId, pending.clientSecret)).toBe(true);
      } finally {
        await sandbox.aws.secretsManager.waitForAllRotations();
        sandbox.genesys.faults.reset();
      }
    });

    it('goes ahead when the operator types yes', async () => {
      const hr2 = await managed('hr2', 'single');
      const run = await cli(['emergency', hr2.secretArn, '--reason', 'leak'], { stdin: 'yes\n' });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Emergency tag: cleared.');
    });
  });

  it('never printed a secret or an access token', () => {
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const value of [...sandbox.genesys.issuedSecrets(), ...sandbox.genesys.issuedTokens()]) expect(all).not.toContain(value);
  });
});
