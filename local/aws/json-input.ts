/**
 * Typed reads over an AWS JSON 1.1 request body. A missing required member or a member of the wrong
 * type is answered as AWS does: `ValidationException` for constraint violations, `SerializationException`
 * for a value of the wrong JSON type.
 */
import { AwsServiceError, validationError } from './aws-error';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** AWS names members in validation messages in lowerCamelCase (`SecretId` → `secretId`). */
function memberName(path: string): string {
  return path
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');
}

function wrongType(path: string, expected: string): AwsServiceError {
  return new AwsServiceError('SerializationException', `Member ${path} must be ${expected}`);
}

export class JsonInput {
  private readonly body: JsonObject;
  private readonly prefix: string;

  constructor(body: unknown, prefix = '') {
    if (!isObject(body)) throw new AwsServiceError('SerializationException', 'Request body must be a JSON object');
    this.body = body;
    this.prefix = prefix;
  }

  /** Parses a raw request body; an empty body counts as `{}` as it does for AWS. */
  static parse(raw: string): JsonInput {
    if (raw.trim() === '') return new JsonInput({});
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
    }
    return new JsonInput(parsed);
  }

  private path(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}.${name}`;
  }

  private raw(name: string): unknown {
    const value = this.body[name];
    return value === null ? undefined : value;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) throw validationError(memberName(this.path(name)), undefined, 'Member must not be null');
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw wrongType(this.path(name), 'a string');
    return value;
  }

  optionalNumber(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(this.path(name), 'a number');
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw wrongType(this.path(name), 'a boolean');
    return value;
  }

  optionalStringArray(name: string): string[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
      throw wrongType(this.path(name), 'a list of strings');
    }
    return value;
  }

  optionalObject(name: string): JsonInput | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!isObject(value)) throw wrongType(this.path(name), 'an object');
    return new JsonInput(value, this.path(name));
  }

  optionalObjectArray(name: string): JsonInput[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw wrongType(this.path(name), 'a list of objects');
    return value.map((item, index) => {
      if (!isObject(item)) throw wrongType(`${this.path(name)}.${index}`, 'an object');
      return new JsonInput(item, `${this.path(name)}.${index + 1}`);
    });
  }

  /** Lower-camel member path used in AWS validation messages, e.g. `rotationRules.automaticallyAfterDays`. */
  member(name: string): string {
    return memberName(this.path(name));
  }
}
