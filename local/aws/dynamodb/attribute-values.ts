/**
 * DynamoDB attribute values as they travel in AWS JSON 1.0 (`{"S": "..."}`, `{"N": "12"}`, ...): checked
 * on the way in, compared, added and sized. The stand-in supports S, N, BOOL, NULL, L, M and SS (what the
 * ledger and its tests use); any other type is refused with a ValidationException naming it.
 */
import { AwsServiceError } from '../aws-error';

export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly L: readonly AttributeValue[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly SS: readonly string[] };

export type Item = Record<string, AttributeValue>;

const SUPPORTED = ['S', 'N', 'BOOL', 'NULL', 'L', 'M', 'SS'] as const;
const KNOWN = [...SUPPORTED, 'B', 'NS', 'BS'] as const;

export function dynamoValidation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** DynamoDB stores numbers canonically: `"007"` is `"7"`, `"1.50"` is `"1.5"`. */
export function canonicalNumber(text: string): string {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) throw dynamoValidation(`A value provided cannot be converted into a number`);
  if (/^[-+]?\d+$/.test(trimmed)) return BigInt(trimmed).toString();
  const value = Number(trimmed);
  if (!Number.isFinite(value)) throw dynamoValidation('Number overflow. Attempting to store a number with magnitude larger than supported range');
  return String(value);
}

/**
 * Checks one attribute value from a request and returns it in canonical form.
 * @throws AwsServiceError ValidationException for a malformed or unsupported value
 */
export function checkValue(raw: unknown): AttributeValue {
  if (!isObject(raw)) throw dynamoValidation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  const types = Object.keys(raw).filter((key) => raw[key] !== undefined && raw[key] !== null);
  if (types.length !== 1) {
    throw dynamoValidation(
      types.length === 0
        ? 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'
        : 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    );
  }
  const type = types[0] ?? '';
  const value = raw[type];
  switch (type) {
    case 'S':
      if (typeof value !== 'string') throw new AwsServiceError('SerializationException', 'Start of structure or map found where not expected');
      return { S: value };
    case 'N':
      if (typeof value !== 'string') throw new AwsServiceError('SerializationException', 'NUMBER_VALUE cannot be converted to String');
      return { N: canonicalNumber(value) };
    case 'BOOL':
      if (typeof value !== 'boolean') throw new AwsServiceError('SerializationException', 'Unexpected value type in payload');
      return { BOOL: value };
    case 'NULL':
      if (value !== true) throw dynamoValidation('One or more parameter values were invalid: Null attribute value types must have the value of true');
      return { NULL: true };
    case 'L':
      if (!Array.isArray(value)) throw new AwsServiceError('SerializationException', 'Unexpected value type in payload');
      return { L: value.map((item) => checkValue(item)) };
    case 'M':
      if (!isObject(value)) throw new AwsServiceError('SerializationException', 'Unexpected value type in payload');
      return { M: Object.fromEntries(Object.entries(value).map(([name, item]) => [name, checkValue(item)])) };
    case 'SS': {
      if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
        throw new AwsServiceError('SerializationException', 'Unexpected value type in payload');
      }
      if (value.length === 0) throw dynamoValidation('One or more parameter values were invalid: An string set  may not be empty');
      if (new Set(value).size !== value.length) throw dynamoValidation(`One or more parameter values were invalid: Input collection [${value.join(', ')}] contains duplicates.`);
      return { SS: [...value] };
    }
    default:
      if ((KNOWN as readonly string[]).includes(type)) {
        throw dynamoValidation(`The DynamoDB stand-in does not support attribute type ${type} (supported: ${SUPPORTED.join(', ')})`);
      }
      throw new AwsServiceError('SerializationException', `Unknown attribute value type ${type}`);
  }
}

/** Checks every attribute of an item (or key, or ExpressionAttributeValues) map. */
export function checkItem(raw: unknown, member: string): Item {
  if (raw === undefined || raw === null) throw dynamoValidation(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  if (!isObject(raw)) throw new AwsServiceError('SerializationException', `Member ${member} must be a map`);
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, checkValue(value)]));
}

export function typeOf(value: AttributeValue): string {
  return Object.keys(value)[0] ?? '';
}

/** Equality as DynamoDB defines it: same type and value (sets regardless of order, numbers by value). */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  if (typeOf(a) !== typeOf(b)) return false;
  if ('S' in a && 'S' in b) return a.S === b.S;
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N) === 0;
  if ('BOOL' in a && 'BOOL' in b) return a.BOOL === b.BOOL;
  if ('NULL' in a) return true;
  if ('SS' in a && 'SS' in b) return a.SS.length === b.SS.length && a.SS.every((item) => b.SS.includes(item));
  if ('L' in a && 'L' in b) return a.L.length === b.L.length && a.L.every((item, index) => b.L[index] !== undefined && valuesEqual(item, b.L[index]));
  if ('M' in a && 'M' in b) {
    const keys = Object.keys(a.M);
    return keys.length === Object.keys(b.M).length && keys.every((key) => b.M[key] !== undefined && a.M[key] !== undefined && valuesEqual(a.M[key], b.M[key]));
  }
  return false;
}

export function compareNumbers(a: string, b: string): number {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) {
    const diff = BigInt(a) - BigInt(b);
    return diff === 0n ? 0 : diff < 0n ? -1 : 1;
  }
  return Math.sign(Number(a) - Number(b));
}

/** Strings order by their UTF-8 bytes, as DynamoDB sorts them (not by UTF-16 code units). */
export function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Order of two scalar values of the same type (S or N), or undefined when they cannot be ordered. */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('S' in a && 'S' in b) return compareStrings(a.S, b.S);
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N);
  return undefined;
}

export function addNumbers(a: string, b: string): string {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return (BigInt(a) + BigInt(b)).toString();
  return canonicalNumber(String(Number(a) + Number(b)));
}

/** Item size roughly as DynamoDB counts it (names plus values, UTF-8), for the 400 KB limit. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: AttributeValue): number {
  if ('S' in value) return Buffer.byteLength(value.S);
  if ('N' in value) return Math.ceil(value.N.length / 2) + 1;
  if ('SS' in value) return value.SS.reduce((sum, item) => sum + Buffer.byteLength(item), 0);
  if ('L' in value) return 3 + value.L.reduce((sum, item) => sum + 1 + valueSize(item), 0);
  if ('M' in value) return 3 + Object.entries(value.M).reduce((sum, [name, item]) => sum + 1 + Buffer.byteLength(name) + valueSize(item), 0);
  return 1;
}
