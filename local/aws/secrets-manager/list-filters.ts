/**
 * ListSecrets `Filters` as the Filter data type documents them:
 * - `name`, `tag-key`, `tag-value`, `primary-region`, `owning-service`: prefix match, case-sensitive;
 * - `description`: prefix match, not case-sensitive;
 * - `all`: "breaks the filter value string into words and then searches all attributes for matches",
 *   not case-sensitive;
 * - a value prefixed with `!` is a negation filter.
 *
 * Where the reference is silent the stand-in chooses: filters are ANDed; within one filter a secret
 * matches when any positive value matches (or there are none) and no negated value matches. Words of
 * `all` are split on spaces and the characters allowed in names (`/_+=.@-`); every word of the filter
 * value must prefix some word of some attribute. No secret here has a primary region or owning service,
 * so positive values of those two keys match nothing.
 */
import { AwsServiceError, validationError } from '../aws-error';
import type { JsonInput } from '../json-input';
import type { SecretRecord } from './model';

const FILTER_KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

const VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

export interface SecretFilter {
  readonly key: FilterKey;
  readonly values: readonly string[];
}

function isFilterKey(key: string): key is FilterKey {
  return (FILTER_KEYS as readonly string[]).includes(key);
}

export function parseFilters(inputs: readonly JsonInput[] | undefined): SecretFilter[] {
  if (inputs === undefined) return [];
  if (inputs.length > 10) throw validationError('filters', `[${inputs.length} filters]`, 'Member must have length less than or equal to 10');
  return inputs.map((input) => {
    const key = input.optionalString('Key');
    if (key === undefined || !isFilterKey(key)) {
      throw validationError(input.member('Key'), key, `Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`);
    }
    const values = input.optionalStringArray('Values') ?? [];
    if (values.length < 1 || values.length > 10) {
      throw new AwsServiceError('InvalidParameterException', `Filter ${key} must have between 1 and 10 values.`);
    }
    for (const value of values) {
      if (value.length > 512 || !VALUE_PATTERN.test(value)) {
        throw validationError(input.member('Values'), value, 'Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$');
      }
    }
    return { key, values };
  });
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[\s/_+=.@-]+/).filter((word) => word !== '');
}

function attributes(secret: SecretRecord, key: FilterKey): string[] {
  switch (key) {
    case 'name':
      return [secret.name];
    case 'description':
      return secret.description === undefined ? [] : [secret.description];
    case 'tag-key':
      return [...secret.tags.keys()];
    case 'tag-value':
      return [...secret.tags.values()];
    case 'primary-region':
    case 'owning-service':
      return [];
    case 'all':
      return [secret.name, ...(secret.description === undefined ? [] : [secret.description]), ...secret.tags.keys(), ...secret.tags.values()];
  }
}

function valueMatches(key: FilterKey, value: string, candidates: readonly string[]): boolean {
  switch (key) {
    case 'description':
      return candidates.some((candidate) => candidate.toLowerCase().startsWith(value.toLowerCase()));
    case 'all': {
      const wanted = words(value);
      if (wanted.length === 0) return false;
      const available = candidates.flatMap(words);
      return wanted.every((word) => available.some((candidate) => candidate.startsWith(word)));
    }
    case 'name':
    case 'tag-key':
    case 'tag-value':
    case 'primary-region':
    case 'owning-service':
      return candidates.some((candidate) => candidate.startsWith(value));
  }
}

function matchesFilter(secret: SecretRecord, filter: SecretFilter): boolean {
  const candidates = attributes(secret, filter.key);
  const positive = filter.values.filter((value) => !value.startsWith('!'));
  const negated = filter.values.filter((value) => value.startsWith('!')).map((value) => value.slice(1));
  if (negated.some((value) => valueMatches(filter.key, value, candidates))) return false;
  return positive.length === 0 || positive.some((value) => valueMatches(filter.key, value, candidates));
}

export function matchesFilters(secret: SecretRecord, filters: readonly SecretFilter[]): boolean {
  return filters.every((filter) => matchesFilter(secret, filter));
}
