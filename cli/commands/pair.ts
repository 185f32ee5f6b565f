/**
 * `pair <clientId>`: creates the standby twin an alternating pair needs: a client-credentials client
 * with the same roles, divisions and token lifetime, named after the original. Idempotent: an existing
 * client with the twin's name is reported, not duplicated. The new client's secret is never read: the
 * secret document of an alternating pair holds only the current client's secret, and the standby gets
 * its own at its first rotation.
 */
import { stringOption, usageError, type CommandSpec, type ParsedCommand } from '../args';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { GenesysAccess } from '../genesys-access';
import type { Output } from '../io';
import { CLIENT_CREDENTIALS, twinOf } from '../twin';
import { chooseAdmin, readManaged } from './discover';

export { twinName } from '../twin';

export const pairCommand: CommandSpec = {
  name: 'pair',
  summary: 'Create the standby twin of a client-credentials client for an alternating pair (no secret shown)',
  usage: 'pair <clientId> [--admin-secret NAME]',
  description: [
    'Creates, with the admin pair\'s token (needs oauth:client:view and oauth:client:add), a client-credentials',
    'client with the same roles, divisions and token lifetime as <clientId>, named "<name> (standby twin)". If a',
    'client of that name exists it is reported and nothing is created. The new secret is discarded unread: the',
    'rotator gives the standby its secret at the first rotation. Prints the alternateClientId for the',
    'deployment file.',
  ].join('\n'),
  options: {
    'admin-secret': { type: 'string', value: 'NAME', description: 'Managed admin-pair secret whose token creates the client (default: the only admin pair)' },
  },
  positionals: { min: 1, max: 1 },
  examples: ['genesys-rotator pair 55555555-5555-4555-8555-555555555555', 'genesys-rotator pair 55555555-5555-4555-8555-555555555555 --json'],
};

export async function runPair(ctx: CliContext, parsed: ParsedCommand, out: Output): Promise<ExitCode> {
  const clientId = parsed.positionals[0] ?? '';
  const managed = await readManaged(ctx, out);
  const admin = await chooseAdmin(ctx, managed, stringOption(parsed.values, 'admin-secret'));
  const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
  const token = await access.adminToken(admin.meta.arn, admin.doc);
  const genesys = access.api(admin.doc.environment);
  const clients = await genesys.listOAuthClients(token);
  const source = clients.find((c) => c.id === clientId);
  if (source?.authorizedGrantType.toUpperCase() !== CLIENT_CREDENTIALS) {
    throw usageError('<clientId>', `the id of a client-credentials OAuth client of the organisation (got "${clientId}"; list them with "discover")`);
  }
  const { twin, created } = await twinOf(genesys, token, source, clients);
  if (out.json) {
    out.document({ clientId: source.id, twin: { id: twin.id, name: twin.name, state: twin.state }, created, exitCode: EXIT.ok });
    return EXIT.ok;
  }
  out.line(created ? `Created standby twin ${twin.id} ("${twin.name}") of ${source.id}.` : `Standby twin ${twin.id} ("${twin.name}") of ${source.id} already exists; nothing created.`);
  out.line(`Deployment file: "clientId": "${source.id}", "strategy": "alternating", "alternateClientId": "${twin.id}"`);
  return EXIT.ok;
}
