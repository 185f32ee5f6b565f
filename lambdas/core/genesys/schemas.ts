/**
 * Shapes of the Genesys Cloud responses the client reads (GENESYS-API.md §2-§6). Only the fields the
 * product uses are required; unknown fields are ignored, so additions on Genesys' side do not break us.
 *
 * Written with `zod/mini` imported as a namespace (`import * as z`): esbuild then keeps only what is
 * used. Measured with `esbuild --bundle --minify --platform=node client.ts`: 571 kB (535 kB of it
 * undici) against 645 kB with classic `zod`; `import { z } from 'zod'` defeats tree-shaking (1005 kB).
 * Issues never carry the parsed input (zod's default), so a failed parse cannot leak a secret.
 */
import * as z from 'zod/mini';

const nonEmptyString = z.string().check(z.minLength(1));

/** `POST /oauth/token` success (GO `AuthResponse`). */
export const tokenResponseSchema = z.object({
  access_token: nonEmptyString,
  token_type: nonEmptyString,
  expires_in: z.number().check(z.nonnegative()),
});

/** `/oauth/token` error body (GO `AuthErrorResponse`): `error` is the OAuth code, e.g. `invalid_client`. */
export const oauthErrorSchema = z.object({
  error: nonEmptyString,
  description: z.optional(z.string()),
  error_description: z.optional(z.string()),
});

/** Platform API error body (GO `ErrorBody`): the fields the client reports. */
export const platformErrorSchema = z.object({
  code: z.optional(z.string()),
  status: z.optional(z.number()),
  contextId: z.optional(z.string()),
});

/** `GET /api/v2/tokens/me`. */
export const tokenInfoSchema = z.object({
  organization: z.object({ id: nonEmptyString, name: z.optional(z.string()) }),
  OAuthClient: z.object({ id: nonEmptyString, name: z.optional(z.string()) }),
});

/**
 * `OAuthClient` (GO `oauthclient.go`). Only `id` is required: the models mark the rest optional, and
 * `roleIds` is deprecated. A role division without a division (null) is kept as `''`.
 */
export const oauthClientSchema = z.object({
  id: nonEmptyString,
  name: z.optional(z.nullable(z.string())),
  state: z.optional(z.nullable(z.string())),
  authorizedGrantType: z.optional(z.nullable(z.string())),
  accessTokenValiditySeconds: z.optional(z.nullable(z.number())),
  roleIds: z.optional(z.nullable(z.array(z.string()))),
  roleDivisions: z.optional(z.nullable(z.array(z.object({ roleId: z.string(), divisionId: z.optional(z.nullable(z.string())) })))),
  dateModified: z.optional(z.nullable(z.string())),
  description: z.optional(z.nullable(z.string())),
  dateCreated: z.optional(z.nullable(z.string())),
  // Read only to be written back unchanged by a state change (oauth-client-request.ts).
  registeredRedirectUri: z.optional(z.nullable(z.array(z.string()))),
  scope: z.optional(z.nullable(z.array(z.string()))),
  dateToDelete: z.optional(z.nullable(z.string())),
});
export type OAuthClientBody = z.infer<typeof oauthClientSchema>;

/**
 * `OAuthClientEntityListing` (GO): one page of `GET /api/v2/oauth/clients`. `nextUri` is an API-host
 * path to the next page, absent (or null) on the last one.
 */
export const oauthClientListingSchema = z.object({
  entities: z.optional(z.nullable(z.array(oauthClientSchema))),
  pageCount: z.optional(z.nullable(z.number())),
  nextUri: z.optional(z.nullable(z.string())),
});

/** `POST /api/v2/oauth/clients/{id}/secret`: an `OAuthClient` that carries the new secret, shown once. */
export const regeneratedClientSchema = z.object({
  id: nonEmptyString,
  secret: nonEmptyString,
});

/**
 * `Credential` from `GET /api/v2/integrations/credentials/{id}`. Sensitive fields come back redacted
 * in a form no source documents, so any non-string value in `credentialFields` is accepted (and dropped).
 */
export const integrationCredentialSchema = z.object({
  id: nonEmptyString,
  // Optional in the models; the PUT re-sends it, so an absent name falls back to the id.
  name: z.optional(z.nullable(z.string())),
  type: z.looseObject({ name: nonEmptyString }),
  credentialFields: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
});

/** `POST /api/v2/oauth/clients/{id}/usage/query`. */
export const usageQueryStartSchema = z.object({
  executionId: nonEmptyString,
  resultsUri: z.optional(z.string()),
});

/** One row of `ApiUsageQueryResult.results`; `requests` is there because the query asks for that metric. */
export const usageRowSchema = z.object({
  clientId: z.optional(z.string()),
  templateUri: z.optional(z.string()),
  httpMethod: z.optional(z.string()),
  requests: z.optional(z.number().check(z.nonnegative())),
  date: z.optional(z.string()),
});
export type UsageRowBody = z.infer<typeof usageRowSchema>;

/**
 * `ApiUsageQueryResult` (GO). `results` is absent while the query runs. `queryStatus` is documented as
 * `Complete|Failed|Running`; any other value is treated as still running (up to the poll limit).
 */
export const usageQueryResultSchema = z.object({
  queryStatus: z.string(),
  results: z.optional(z.array(usageRowSchema)),
  /** `Cursors` (JS/.NET models): "cursor tokens to be used for navigating paginated results". */
  cursors: z.optional(z.object({ after: z.optional(z.string()) })),
});
