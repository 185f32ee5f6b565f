/**
 * Secret names and the bindings (DESIGN.md §3 "Bindings") the deployment hands to the rotate and notify
 * functions, both derived from the validated configuration only: never from a secret document.
 */
import type { SecretBinding } from '../../lambdas/core/bindings';
import { ConfigurationError } from '../../lambdas/core/errors';
import { isGenesysEnvironment, type GenesysEnvironment } from '../../lambdas/core/regions';
import type { ClientConfig, RotatorSettings } from './schema';

/** `<prefix><organisation>/admin`: the admin-pair secret of an organisation. */
export function adminSecretName(config: Pick<RotatorSettings, 'secretNamePrefix'>, organisation: string): string {
  return `${config.secretNamePrefix}${organisation}/admin`;
}

/** `<prefix><client>`: the secret of a managed client. */
export function clientSecretName(config: Pick<RotatorSettings, 'secretNamePrefix'>, client: Pick<ClientConfig, 'name'>): string {
  return `${config.secretNamePrefix}${client.name}`;
}

/**
 * The binding of every managed secret, keyed by secret name: an admin pair may regenerate its two
 * clients and names no admin secret; a client secret may regenerate its own client(s) through the admin
 * pair of its organisation (by name). An alternating client of an organisation without an admin pair
 * rotates itself, like an admin pair (its document has no `adminSecretId` either).
 */
export function bindingsOf(config: RotatorSettings): Record<string, SecretBinding> {
  const secrets: Record<string, SecretBinding> = {};
  const orgs = new Map(config.organisations.map((org) => [org.name, org]));
  for (const org of config.organisations) {
    if (org.admin === undefined) continue;
    secrets[adminSecretName(config, org.name)] = { environment: regionOf(org.environment), clientIds: [org.admin.clientId, org.admin.alternateClientId] };
  }
  for (const client of config.clients) {
    const org = orgs.get(client.organisation);
    // The schema refuses an unknown organisation; nothing to bind without one.
    if (org === undefined) continue;
    const clientIds = client.strategy === 'alternating' ? [client.clientId, client.alternateClientId] : [client.clientId];
    secrets[clientSecretName(config, client)] = {
      environment: regionOf(org.environment),
      clientIds,
      ...(org.admin !== undefined ? { adminSecret: adminSecretName(config, org.name) } : {}),
      ...(client.holdWhileInUse ? { holdWhileInUse: true } : {}),
    };
  }
  return secrets;
}

/** The schema admits known regions only; this narrows the type (and fails closed if that ever changes). */
function regionOf(environment: string): GenesysEnvironment {
  if (!isGenesysEnvironment(environment)) throw new ConfigurationError('Unknown Genesys Cloud region', 'organisations.environment', 'a known Genesys Cloud region domain');
  return environment;
}
