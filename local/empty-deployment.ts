/**
 * A stack as `cdk deploy` leaves it, before anyone loads a value: each managed secret holds the
 * deployment's placeholder document (lib/constructs/managed-secret.ts: the ids from the deployment
 * file, `clientSecret: ""`), tagged and bound as the stack does, with its rotation configured as the
 * stack's RotationSchedule does (rotate function, schedule, RotateImmediately=false). The clients exist
 * in Genesys Cloud as an administrator made them in the UI; the admin client's secret, which the UI
 * showed once, is returned for a test (or the playground) to "type" into `bootstrap`.
 */
import { DEFAULT_SCHEDULE, type Sandbox, type SandboxOrg } from './sandbox';
import type { GenesysEnvironment } from '../lambdas/core/regions';
import type { Strategy } from '../lambdas/core/secret-document';

export interface EmptyDeploymentInput {
  readonly orgName: string;
  readonly environment?: GenesysEnvironment;
  /** Permissions of the admin role (the admin pair's two clients). */
  readonly adminPermissions: readonly string[];
  readonly clients: readonly { readonly name: string; readonly strategy: Strategy }[];
  /** The deployment names an admin standby that was never created in Genesys Cloud. */
  readonly adminStandbyMissing?: boolean;
}

export interface EmptyDeployment {
  readonly org: SandboxOrg;
  /** What the Genesys UI showed once when the first admin client was made: the one secret a human types. */
  readonly adminSecret: string;
  /** The standby admin client's secret, shown once too (undefined when the standby is missing). */
  readonly adminStandbySecret: string | undefined;
  readonly clients: readonly { readonly name: string; readonly secretArn: string; readonly strategy: Strategy; readonly clientIds: readonly string[] }[];
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export async function deployEmpty(sandbox: Sandbox, input: EmptyDeploymentInput): Promise<EmptyDeployment> {
  const environment = input.environment ?? 'mypurecloud.com';
  const genesys = sandbox.genesys;
  const organization = genesys.createOrganization({ name: input.orgName });
  const adminRole = genesys.defineRole(organization.id, { name: 'OAuth rotator admin', permissions: [...input.adminPermissions] });
  const appRole = genesys.defineRole(organization.id, { name: `${input.orgName} integration`, permissions: ['analytics:conversationDetail:view', 'routing:queue:view'] });
  const divisionId = `division-${organization.id}`;
  const adminGrant = [{ roleId: adminRole.id, divisionId }];
  const first = genesys.createClient(organization.id, { name: `${input.orgName}-rotator-admin-a`, roleDivisions: adminGrant });
  const standby = input.adminStandbyMissing === true ? undefined : genesys.createClient(organization.id, { name: `${input.orgName}-rotator-admin-b`, roleDivisions: adminGrant });
  const standbyId = standby?.id ?? '00000000-0000-4000-8000-00000000dead';
  const prefix = `genesys-rotator/${slug(input.orgName)}`;
  const adminSecretArn = await sandbox.createSecret(`${prefix}/admin`, { environment, clientId: first.id, clientSecret: '', strategy: 'alternating', alternateClientId: standbyId });
  const org: SandboxOrg = { orgId: organization.id, name: input.orgName, environment, adminSecretArn, adminClientIds: [first.id, standbyId], adminRoleId: adminRole.id, appRoleId: appRole.id, divisionId };

  const clients = [];
  for (const client of input.clients) {
    const grant = [{ roleId: appRole.id, divisionId }];
    const a = genesys.createClient(organization.id, { name: `${client.name}-a`, roleDivisions: grant }).id;
    const b = client.strategy === 'alternating' ? genesys.createClient(organization.id, { name: `${client.name}-b`, roleDivisions: grant }).id : undefined;
    const secretArn = await sandbox.createSecret(`${prefix}/${slug(client.name)}`, {
      environment,
      clientId: a,
      clientSecret: '',
      strategy: client.strategy,
      ...(b !== undefined ? { alternateClientId: b } : {}),
      adminSecretId: adminSecretArn,
    });
    clients.push({ name: client.name, secretArn, strategy: client.strategy, clientIds: b !== undefined ? [a, b] : [a] });
  }
  // As the stack's RotationSchedule: the configuration test fails on an empty admin pair (no token), as
  // it may on a real first deploy; the rotation function stays configured either way.
  for (const arn of [adminSecretArn, ...clients.map((c) => c.secretArn)]) await sandbox.scheduleRotation(arn, DEFAULT_SCHEDULE);
  return { org, adminSecret: first.secret, adminStandbySecret: standby?.secret, clients };
}
