/**
 * Genesys Cloud regions (GENESYS-API.md §1). `environment` is the region domain; the token host is
 * `login.<environment>` and the API host `api.<environment>`.
 */
export const GENESYS_REGIONS = {
  'mypurecloud.com': 'us-east-1',
  'mypurecloud.ie': 'eu-west-1',
  'mypurecloud.com.au': 'ap-southeast-2',
  'mypurecloud.jp': 'ap-northeast-1',
  'mypurecloud.de': 'eu-central-1',
  'usw2.pure.cloud': 'us-west-2',
  'cac1.pure.cloud': 'ca-central-1',
  'euc2.pure.cloud': 'eu-central-2',
  'apse1.pure.cloud': 'ap-southeast-1',
  'apne2.pure.cloud': 'ap-northeast-2',
  'euw2.pure.cloud': 'eu-west-2',
  'aps1.pure.cloud': 'ap-south-1',
  'use2.us-gov-pure.cloud': 'us-east-2',
  'sae1.pure.cloud': 'sa-east-1',
  'mec1.pure.cloud': 'me-central-1',
  'apne3.pure.cloud': 'ap-northeast-3',
  'mxc1.pure.cloud': 'mx-central-1',
  'edee1.eusc-pure.cloud': 'eusc-de-east-1',
} as const;

export type GenesysEnvironment = keyof typeof GENESYS_REGIONS;

export const GENESYS_ENVIRONMENTS = Object.keys(GENESYS_REGIONS) as readonly GenesysEnvironment[];

export function isGenesysEnvironment(value: string): value is GenesysEnvironment {
  return Object.hasOwn(GENESYS_REGIONS, value);
}

/** Base URLs of a region. `baseUrlOverride` (GENESYS_CLOUD_BASE_URL) serves both, for local stand-ins. */
export function genesysHosts(environment: GenesysEnvironment, baseUrlOverride?: string): { loginBaseUrl: string; apiBaseUrl: string } {
  if (baseUrlOverride !== undefined && baseUrlOverride !== '') {
    const base = baseUrlOverride.replace(/\/+$/, '');
    return { loginBaseUrl: base, apiBaseUrl: base };
  }
  return { loginBaseUrl: `https://login.${environment}`, apiBaseUrl: `https://api.${environment}` };
}
