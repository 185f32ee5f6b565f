/**
 * The credential provider as the token source of the official Genesys Cloud JavaScript SDK
 * (`purecloud-platform-client-v2`).
 *
 * The SDK's `ApiClient` sends every API call through `callApi(...)`, which reads the token set with
 * `setAccessToken(token)` synchronously as the request is built, and rejects with the response body
 * (or, with `setReturnExtendedResponses(true)`, `{ status, body, ... }`); for a Platform API error
 * both carry `status`. `authorizePlatformClient` wraps `callApi` on the instance passed in: before each
 * call it sets the provider's token; when the call is refused with 401 it invalidates that token, sets
 * a fresh one and sends the call once more. A second 401 rejects with the SDK's own error, unchanged.
 * A 401 means the request was not acted upon, so the one retry is safe whatever the method.
 *
 * The SDK is not imported (the package does not depend on it): the `ApiClient` is typed structurally.
 */
import type { CredentialProvider } from './credential-provider';

/** The part of the SDK's `ApiClient` used here; `platformClient.ApiClient.instance` fits. */
export interface PlatformApiClient {
  setAccessToken(token: string): void;
  /** Every `*Api` method's request goes through it; replaced on the instance while authorized. */
  callApi: (...args: never[]) => Promise<unknown>;
}

/** Undoes `authorizePlatformClient`: the `ApiClient` sends calls with whatever token it holds again. */
export type DetachPlatformClient = () => void;

/** The SDK's own `callApi` of each authorized instance, to restore on detach or re-authorization. */
const originals = new WeakMap<PlatformApiClient, PlatformApiClient['callApi']>();

/**
 * The HTTP status an SDK call was refused with: `status` of the Platform API error body (the default
 * rejection) or of the extended response, or `response.status` of an HTTP client's error (a custom
 * `setHttpClient`). `undefined` when the rejection says nothing (e.g. a 401 with an empty body).
 */
export function platformErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('status' in error && typeof error.status === 'number') return error.status;
  if ('response' in error && typeof error.response === 'object' && error.response !== null) {
    const { response } = error;
    if ('status' in response && typeof response.status === 'number') return response.status;
  }
  return undefined;
}

/**
 * Authorize every call of the SDK `apiClient` with the provider's token, renewing it on 401.
 *
 * ```js
 * const platformClient = require('purecloud-platform-client-v2');
 * const apiClient = platformClient.ApiClient.instance;
 * apiClient.setEnvironment(platformClient.PureCloudRegionHosts.eu_west_1);
 * authorizePlatformClient(apiClient, provider);
 * const me = await new platformClient.TokensApi().getTokensMe();
 * ```
 *
 * Calling it again for the same instance replaces the provider. Tokens are passed to the SDK only,
 * never logged; the SDK's own logger redacts the Authorization header.
 * @returns a function that restores the SDK's own `callApi`.
 */
export function authorizePlatformClient(apiClient: PlatformApiClient, provider: CredentialProvider): DetachPlatformClient {
  const original = originals.get(apiClient) ?? apiClient.callApi;
  originals.set(apiClient, original);

  /** Sets `token` and starts the SDK's call in the same tick: the SDK reads the token as it builds the request. */
  const send = (token: string, args: never[]): Promise<unknown> => {
    apiClient.setAccessToken(token);
    return Reflect.apply(original, apiClient, args);
  };

  const authorized = async (...args: never[]): Promise<unknown> => {
    const token = await provider.getAccessToken();
    try {
      return await send(token, args);
    } catch (error) {
      if (platformErrorStatus(error) !== 401) throw error;
      provider.invalidate(token);
    }
    const fresh = await provider.getAccessToken();
    try {
      return await send(fresh, args);
    } catch (error) {
      // Refused too: drop it so that the next call does not start with a token known to be refused.
      if (platformErrorStatus(error) === 401) provider.invalidate(fresh);
      throw error;
    }
  };
  apiClient.callApi = authorized;

  return () => {
    if (apiClient.callApi !== authorized) return; // authorized again since: that authorization stays
    apiClient.callApi = original;
    originals.delete(apiClient);
  };
}
