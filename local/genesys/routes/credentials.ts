/** `/api/v2/integrations/credentials/{credentialId}` (GENESYS-API.md §5). */
import type { CredentialRecord } from '../directory';
import type { ErrorDetail } from '../errors';
import { badRequest, notFound } from '../errors';
import { json } from '../reply';
import { isRecord } from './json-body';
import type { ApiRequest, ApiRoute, Services } from './context';
import { CREDENTIALS_PATH, credentialInfoView, credentialView } from './views';

/** GET: `Credential` without its sensitive values (see `credentialView`). */
export const getCredential: ApiRoute = {
  method: 'GET',
  template: `${CREDENTIALS_PATH}/{credentialId}`,
  permissions: ['integrations:integration:view'],
  handle: (request, services) => {
    const credential = targetCredential(request, services);
    return credential ? json(200, credentialView(credential)) : notFound(request.correlationId);
  },
};

/**
 * PUT: replaces name, type and every field (TF sends all of them, §5), answers 200 `CredentialInfo`
 * (UNCONFIRMED status). `name`, `type.name` and `credentialFields` (string values) are required here:
 * `type` is required by the model, and without `credentialFields` the rotation would erase the secret.
 */
export const putCredential: ApiRoute = {
  method: 'PUT',
  template: `${CREDENTIALS_PATH}/{credentialId}`,
  permissions: ['integrations:integration:edit'],
  jsonBody: true,
  handle: (request, services) => {
    const parsed = parseCredentialBody(request.body);
    if ('details' in parsed) {
      const fields = parsed.details.map((d) => d.fieldName).join(', ');
      return badRequest(`Invalid credential: ${fields}`, request.correlationId, parsed.details);
    }
    const credential = targetCredential(request, services);
    if (!credential) return notFound(request.correlationId);
    services.directory.updateCredential(credential, parsed.name, parsed.typeName, parsed.fields);
    return json(200, credentialInfoView(credential));
  },
};

function targetCredential({ params, caller }: ApiRequest, { directory }: Services): CredentialRecord | undefined {
  const id = params.credentialId;
  return id === undefined ? undefined : directory.credentialInOrg(id, caller.org.id);
}

type ParsedCredential =
  | { readonly name: string; readonly typeName: string; readonly fields: Record<string, string> }
  | { readonly details: ErrorDetail[] };

function parseCredentialBody(body: unknown): ParsedCredential {
  const details: ErrorDetail[] = [];
  const record = isRecord(body) ? body : {};
  const name = record.name;
  const type = record.type;
  const fields = record.credentialFields;
  if (typeof name !== 'string' || name === '') details.push({ errorCode: 'required', fieldName: 'name' });
  const typeName = isRecord(type) ? type.name : undefined;
  if (typeof typeName !== 'string' || typeName === '') details.push({ errorCode: 'required', fieldName: 'type.name' });
  if (!isRecord(fields) || !Object.values(fields).every((v) => typeof v === 'string')) {
    details.push({ errorCode: 'required', fieldName: 'credentialFields' });
  }
  if (details.length > 0 || typeof name !== 'string' || typeof typeName !== 'string' || !isRecord(fields)) {
    return { details };
  }
  return { name, typeName, fields: fields as Record<string, string> };
}
