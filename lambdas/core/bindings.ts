/**
 * Bindings (DESIGN.md §3 "Bindings"): the deployment, not the secret document, decides which
 * clients a secret may regenerate and with which admin pair.
 *
 * A secret document is data that anyone with `PutSecretValue` on that one secret can change. The
 * stack hands the rotate and notify functions the bindings of every secret they manage, keyed by
 * secret **name** (immutable in Secrets Manager), and every step refuses a secret that is not
 * bound, or a document that disagrees with its binding, before any Genesys Cloud call.
 *
 * Wire format (`ROTATOR_BINDINGS`, or the file `ROTATOR_BINDINGS_FILE` names):
 * `{"version":1,"secrets":{"<name>":{"environment":"<region>","clientIds":["<id>"(,"<id>")],"adminSecret":"<admin secret name>"(,"holdWhileInUse":true)}}}`;
 * `holdWhileInUse` is optional (absent: false), so bindings written before it still parse.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { BindingMismatchError, ConfigurationError, UnboundSecretError } from './errors';
import { GENESYS_ENVIRONMENTS, type GenesysEnvironment } from './regions';
import { parseSecretDocument, type SecretDocument } from './secret-document';
import { emptyAsUnset, firstIssue } from './validation';

export const BINDINGS_VARIABLE = 'ROTATOR_BINDINGS';
export const BINDINGS_FILE_VARIABLE = 'ROTATOR_BINDINGS_FILE';

/** What one managed secret may do. */
export interface SecretBinding {
  readonly environment: GenesysEnvironment;
  /** One id for `single`, two (either order) for `alternating`. */
  readonly clientIds: readonly string[];
  /** Name of the admin-pair secret that regenerates this secret's clients; absent only for an admin pair. */
  readonly adminSecret?: string | undefined;
  /**
   * `clients[].holdWhileInUse`: createSecret refuses (ClientInUseError) when the client it would
   * regenerate was used since the last rotation. Absent means false (older bindings omit it).
   */
  readonly holdWhileInUse?: boolean | undefined;
}

export interface Bindings {
  readonly version: 1;
  readonly secrets: Readonly<Record<string, SecretBinding>>;
}

const clientIdSchema = z.string({ error: 'a Genesys Cloud OAuth client id' }).min(1, { error: 'a non-empty OAuth client id' });

const bindingSchema = z
  .strictObject({
    environment: z.enum(GENESYS_ENVIRONMENTS as [GenesysEnvironment, ...GenesysEnvironment[]], { error: 'a known Genesys Cloud region domain' }),
    clientIds: z
      .array(clientIdSchema, { error: 'an array of one (single) or two (alternating) client ids' })
      .min(1, { error: 'one (single) or two (alternating) client ids' })
      .max(2, { error: 'one (single) or two (alternating) client ids' })
      .refine((ids) => new Set(ids).size === ids.length, { error: 'distinct client ids' }),
    adminSecret: z.string({ error: 'the name of the admin-pair secret' }).min(1, { error: 'a non-empty admin secret name' }).optional(),
    holdWhileInUse: z.boolean({ error: 'true or false' }).optional(),
  })
  .refine((b) => b.adminSecret !== undefined || b.clientIds.length === 2, {
    error: 'an adminSecret: only an admin pair (two client ids) rotates without one',
    path: ['adminSecret'],
  });

const bindingsSchema = z.strictObject({
  version: z.literal(1, { error: 'version 1' }),
  secrets: z.record(z.string().min(1, { error: 'a secret name' }), bindingSchema, { error: 'an object of secret name to binding' }),
});

/**
 * Parse the bindings JSON.
 * @param source names where it came from (variable or file), for the error.
 * @throws ConfigurationError naming the field and what was expected.
 */
export function parseBindings(json: string, source: string): Bindings {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConfigurationError(`Invalid bindings in ${source}`, '(root)', 'JSON: {"version":1,"secrets":{...}}');
  }
  const result = bindingsSchema.safeParse(value);
  if (!result.success) {
    const { field, expected } = firstIssue(result.error);
    throw new ConfigurationError(`Invalid bindings in ${source}`, field, expected);
  }
  return result.data;
}

/**
 * The bindings from the environment: exactly one of `ROTATOR_BINDINGS` (the JSON) and
 * `ROTATOR_BINDINGS_FILE` (a path to it, bundled with the function when the JSON would pass Lambda's
 * 4 KB environment limit). Both, neither, unreadable JSON or another version fail closed.
 */
export function loadBindings(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Bindings {
  const inline = emptyAsUnset(env[BINDINGS_VARIABLE]) as string | undefined;
  const file = emptyAsUnset(env[BINDINGS_FILE_VARIABLE]) as string | undefined;
  if (inline !== undefined && file !== undefined) {
    throw new ConfigurationError('Bindings given twice', BINDINGS_FILE_VARIABLE, `unset when ${BINDINGS_VARIABLE} is set (exactly one of the two)`);
  }
  if (inline !== undefined) return parseBindings(inline, BINDINGS_VARIABLE);
  if (file === undefined) {
    throw new ConfigurationError(
      'No bindings: the function refuses every secret until the deployment says what it may rotate',
      BINDINGS_VARIABLE,
      `the bindings JSON, or ${BINDINGS_FILE_VARIABLE} with the path of a file holding it`,
    );
  }
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new ConfigurationError(`Bindings file ${file} cannot be read`, BINDINGS_FILE_VARIABLE, 'the path of a readable bindings file', { cause: error });
  }
  return parseBindings(text, `${BINDINGS_FILE_VARIABLE} (${file})`);
}

/** The binding of a secret by its name; an unbound secret is refused. */
export function bindingFor(bindings: Bindings, secret: { readonly name: string; readonly arn: string }): SecretBinding {
  const binding = Object.hasOwn(bindings.secrets, secret.name) ? bindings.secrets[secret.name] : undefined;
  if (binding === undefined) {
    throw new UnboundSecretError(`Secret ${secret.arn} is not bound to this rotator`, secret.name);
  }
  return binding;
}

/** The parts of a secret ARN that locate it: `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 chars>`. */
interface SecretArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

const SECRET_ARN = /^arn:([a-z-]+):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)-[A-Za-z0-9]{6}$/;

/** Parse a complete secret ARN (with Secrets Manager's six-character suffix); `undefined` otherwise. */
export function parseSecretArn(arn: string): SecretArnParts | undefined {
  const match = SECRET_ARN.exec(arn);
  if (match === null) return undefined;
  const [, partition, region, account, name] = match;
  if (partition === undefined || region === undefined || account === undefined || name === undefined) return undefined;
  return { partition, region, account, name };
}

/**
 * Whether a document's `adminSecretId` names the bound admin secret: its name, or the full ARN of
 * the secret of that name in the managed secret's own partition, region and account (a same-named
 * secret elsewhere does not count).
 */
export function namesBoundAdmin(adminSecretId: string, boundAdmin: string, managedSecretArn: string): boolean {
  if (adminSecretId === boundAdmin) return true;
  const admin = parseSecretArn(adminSecretId);
  const managed = parseSecretArn(managedSecretArn);
  if (admin === undefined || managed === undefined) return false;
  return admin.name === boundAdmin && admin.partition === managed.partition && admin.region === managed.region && admin.account === managed.account;
}

/**
 * Refuse a document that disagrees with its binding: another region, another set of clients
 * (order free, so the alternating swap matches), a strategy the binding's ids cannot have, or
 * another admin pair. Called on every document a step acts on, before any Genesys Cloud call.
 * @param label names the secret and stage in the error (never a value).
 */
export function assertDocumentMatchesBinding(doc: SecretDocument, binding: SecretBinding, secretArn: string, label: string): void {
  const what = `Secret ${label} disagrees with its deployed binding`;
  if (doc.environment !== binding.environment) {
    throw new BindingMismatchError(what, 'environment', `"${binding.environment}" (the document says "${doc.environment}")`);
  }
  const expectedStrategy = binding.clientIds.length === 1 ? 'single' : 'alternating';
  if (doc.strategy !== expectedStrategy) {
    throw new BindingMismatchError(what, 'strategy', `"${expectedStrategy}" for ${binding.clientIds.length} bound client id(s) (the document says "${doc.strategy}")`);
  }
  const docIds = [doc.clientId, ...(doc.alternateClientId !== undefined ? [doc.alternateClientId] : [])];
  const bound = new Set(binding.clientIds);
  const sameSet = docIds.length === bound.size && docIds.every((id) => bound.has(id));
  if (!sameSet) {
    const stray = docIds.find((id) => !bound.has(id));
    const field = stray === undefined || stray === doc.clientId ? 'clientId' : 'alternateClientId';
    throw new BindingMismatchError(what, field, `the bound client ids ${binding.clientIds.join(', ')} (the document names ${docIds.join(', ')})`);
  }
  if (binding.adminSecret === undefined) {
    if (doc.adminSecretId !== undefined) {
      throw new BindingMismatchError(what, 'adminSecretId', 'no adminSecretId: this secret is bound as an admin pair, which rotates itself');
    }
    return;
  }
  if (doc.adminSecretId === undefined || !namesBoundAdmin(doc.adminSecretId, binding.adminSecret, secretArn)) {
    throw new BindingMismatchError(
      what,
      'adminSecretId',
      `the bound admin secret "${binding.adminSecret}" (its name, or its ARN in this account and region)${doc.adminSecretId === undefined ? '; the field is missing' : ` (the document says "${doc.adminSecretId}")`}`,
    );
  }
}

/** The admin pair's document as a step may use it: read by the bound name, checked against its own binding. */
export interface BoundAdminDocument {
  readonly name: string;
  readonly versionId: string;
  readonly doc: SecretDocument;
}

/**
 * Read the admin pair bound to a managed secret: by the name the binding gives (never the document's
 * `adminSecretId`), and check that its own document names the clients its binding allows. Shared by
 * the rotate and notify functions, so both hold the same line.
 * @throws BindingMismatchError when the bound admin secret is not itself bound as an admin pair or its document disagrees.
 */
export async function readBoundAdmin(
  store: { getValue(secretId: string, selector: { stage?: string }): Promise<{ readonly versionId: string; readonly secretString: string | undefined }> },
  bindings: Bindings,
  binding: SecretBinding,
  managedSecretArn: string,
): Promise<BoundAdminDocument | undefined> {
  const name = binding.adminSecret;
  if (name === undefined) return undefined;
  const adminBinding = Object.hasOwn(bindings.secrets, name) ? bindings.secrets[name] : undefined;
  if (adminBinding === undefined || adminBinding.adminSecret !== undefined) {
    throw new BindingMismatchError(
      `The admin secret ${name} bound to ${managedSecretArn} is not bound as an admin pair`,
      'adminSecret',
      'the name of an admin-pair secret that is itself in the bindings (two client ids, no adminSecret)',
    );
  }
  const value = await store.getValue(name, { stage: 'AWSCURRENT' });
  const doc = parseSecretDocument(value.secretString, `${name} (admin secret)`);
  assertDocumentMatchesBinding(doc, adminBinding, managedSecretArn, `${name} (admin secret, AWSCURRENT)`);
  return { name, versionId: value.versionId, doc };
}

/** The name of a managed secret from its full ARN (the notify function knows ARNs, not names). */
export function secretNameFromArn(arn: string): string | undefined {
  return parseSecretArn(arn)?.name;
}

/** Serialize bindings (the stack writes them). Keys sorted so a synth is stable. */
export function serializeBindings(secrets: Readonly<Record<string, SecretBinding>>): string {
  const sorted: Record<string, SecretBinding> = {};
  for (const name of Object.keys(secrets).sort()) {
    const b = secrets[name];
    if (b === undefined) continue;
    sorted[name] = {
      environment: b.environment,
      clientIds: [...b.clientIds],
      ...(b.adminSecret !== undefined ? { adminSecret: b.adminSecret } : {}),
      ...(b.holdWhileInUse === true ? { holdWhileInUse: true } : {}),
    };
  }
  return JSON.stringify({ version: 1, secrets: sorted });
}
