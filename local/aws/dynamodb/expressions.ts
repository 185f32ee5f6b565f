/**
 * The DynamoDB expression language, as far as the ledger and its tests need it: condition and filter
 * expressions (comparisons, BETWEEN, IN, AND/OR/NOT, attribute_exists, attribute_not_exists,
 * begins_with, contains), key conditions, and update expressions (SET with `+`/`-`, if_not_exists and
 * list_append; ADD for numbers and string sets; REMOVE). Paths are top-level attribute names (`name` or
 * `#placeholder`); a nested path, DELETE or any other construct is refused with a ValidationException
 * that names what the stand-in does not support, never silently misread. Reserved words are not
 * checked (the product always uses `#placeholders`).
 */
import type { AwsServiceError } from '../aws-error';
import {
  addNumbers,
  compareScalars,
  dynamoValidation,
  type AttributeValue,
  type Item,
  typeOf,
  valuesEqual,
} from './attribute-values';

export type ExpressionKind = 'ConditionExpression' | 'KeyConditionExpression' | 'FilterExpression' | 'UpdateExpression';

type Token =
  | { readonly kind: 'name'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly text: string }
  | { readonly kind: 'value'; readonly text: string }
  | { readonly kind: 'punct'; readonly text: string };

export type Operand =
  | { readonly kind: 'path'; readonly name: string }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'if_not_exists'; readonly path: string; readonly fallback: Operand }
  | { readonly kind: 'list_append'; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'arithmetic'; readonly op: '+' | '-'; readonly left: Operand; readonly right: Operand };

export type Condition =
  | { readonly kind: 'compare'; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'exists'; readonly path: string; readonly exists: boolean }
  | { readonly kind: 'begins_with' | 'contains'; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly condition: Condition };

export type UpdateAction =
  | { readonly kind: 'SET'; readonly path: string; readonly value: Operand }
  | { readonly kind: 'ADD'; readonly path: string; readonly value: AttributeValue }
  | { readonly kind: 'REMOVE'; readonly path: string };

/**
 * The request's `ExpressionAttributeNames` / `ExpressionAttributeValues`, shared by all expressions of
 * one request so that unused ones can be refused as DynamoDB refuses them.
 */
export class ExpressionContext {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  constructor(
    private readonly names: Readonly<Record<string, string>> | undefined,
    private readonly values: Readonly<Record<string, AttributeValue>> | undefined,
  ) {}

  name(placeholder: string, kind: ExpressionKind): string {
    const name = this.names?.[placeholder];
    if (name === undefined) throw dynamoValidation(`Invalid ${kind}: An expression attribute name used in the document path is not defined; attribute name: ${placeholder}`);
    this.usedNames.add(placeholder);
    return name;
  }

  value(placeholder: string, kind: ExpressionKind): AttributeValue {
    const value = this.values?.[placeholder];
    if (value === undefined) throw dynamoValidation(`Invalid ${kind}: An expression attribute value used in expression is not defined; attribute value: ${placeholder}`);
    this.usedValues.add(placeholder);
    return value;
  }

  /** After every expression of the request is parsed: names or values nobody used are an error. */
  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter((name) => !this.usedNames.has(name));
    if (unusedNames.length > 0) throw dynamoValidation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    const unusedValues = Object.keys(this.values ?? {}).filter((name) => !this.usedValues.has(name));
    if (unusedValues.length > 0) throw dynamoValidation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
  }
}

const PUNCTUATION = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '+', '-', '.', '[', ']'];

function tokenize(text: string, kind: ExpressionKind): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space !== null) {
      i += space[0].length;
      continue;
    }
    const word = /^([#:]?)([A-Za-z0-9_]+)/.exec(rest);
    if (word !== null) {
      const kindOf = word[1] === '#' ? 'placeholder' : word[1] === ':' ? 'value' : 'name';
      tokens.push({ kind: kindOf, text: word[0] });
      i += word[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => rest.startsWith(p));
    if (punct === undefined) throw dynamoValidation(`Invalid ${kind}: Syntax error; token: "${rest.charAt(0)}", near: "${text.slice(Math.max(0, i - 1), i + 2)}"`);
    tokens.push({ kind: 'punct', text: punct });
    i += punct.length;
  }
  return tokens;
}

const FUNCTIONS = ['attribute_exists', 'attribute_not_exists', 'begins_with', 'contains', 'if_not_exists', 'list_append'];
const UNSUPPORTED_FUNCTIONS = ['attribute_type', 'size'];

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly kind: ExpressionKind,
    private readonly context: ExpressionContext,
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  private isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'name' && token.text.toUpperCase() === word;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.text === text;
  }

  syntaxError(): AwsServiceError {
    const token = this.peek();
    if (token === undefined) return dynamoValidation(`Invalid ${this.kind}: Syntax error; token: "<EOF>", near: "${this.peek(-1)?.text ?? ''}"`);
    const near = [this.peek(-1)?.text, token.text, this.peek(1)?.text].filter((t) => t !== undefined).join(' ');
    return dynamoValidation(`Invalid ${this.kind}: Syntax error; token: "${token.text}", near: "${near}"`);
  }

  private unsupported(what: string): AwsServiceError {
    return dynamoValidation(`Invalid ${this.kind}: the DynamoDB stand-in does not support ${what}`);
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) throw this.syntaxError();
    this.position += 1;
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  end(): void {
    if (!this.atEnd()) throw this.syntaxError();
  }

  // condition := or ; or := and (OR and)* ; and := not (AND not)* ; not := NOT not | primary
  condition(): Condition {
    let left = this.conjunction();
    while (this.isWord('OR')) {
      this.position += 1;
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Condition {
    let left = this.negation();
    while (this.isWord('AND')) {
      this.position += 1;
      left = { kind: 'and', left, right: this.negation() };
    }
    return left;
  }

  private negation(): Condition {
    if (this.isWord('NOT')) {
      this.position += 1;
      return { kind: 'not', condition: this.negation() };
    }
    return this.primaryCondition();
  }

  private primaryCondition(): Condition {
    if (this.isPunct('(')) {
      this.position += 1;
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const token = this.peek();
    if (token?.kind === 'name' && this.peek(1)?.text === '(') {
      const fn = token.text;
      if (fn === 'attribute_exists' || fn === 'attribute_not_exists') {
        this.position += 2;
        const path = this.path();
        this.expectPunct(')');
        return { kind: 'exists', path, exists: fn === 'attribute_exists' };
      }
      if (fn === 'begins_with' || fn === 'contains') {
        this.position += 2;
        const left = this.operand();
        this.expectPunct(',');
        const right = this.operand();
        this.expectPunct(')');
        return { kind: fn, left, right };
      }
      if (UNSUPPORTED_FUNCTIONS.includes(fn)) throw this.unsupported(`the function ${fn}`);
      if (!FUNCTIONS.includes(fn)) throw dynamoValidation(`Invalid ${this.kind}: Invalid function name; function: ${fn}`);
      throw dynamoValidation(`Invalid ${this.kind}: The function is not allowed to be used this way in an expression; function: ${fn}`);
    }
    const left = this.operand();
    if (this.isWord('BETWEEN')) {
      this.position += 1;
      const low = this.operand();
      if (!this.isWord('AND')) throw this.syntaxError();
      this.position += 1;
      return { kind: 'between', operand: left, low, high: this.operand() };
    }
    if (this.isWord('IN')) {
      this.position += 1;
      this.expectPunct('(');
      const list = [this.operand()];
      while (this.isPunct(',')) {
        this.position += 1;
        list.push(this.operand());
      }
      this.expectPunct(')');
      return { kind: 'in', operand: left, list };
    }
    const op = this.peek();
    if (op?.kind === 'punct' && ['=', '<>', '<', '<=', '>', '>='].includes(op.text)) {
      this.position += 1;
      return { kind: 'compare', op: op.text as '=' | '<>' | '<' | '<=' | '>' | '>=', left, right: this.operand() };
    }
    throw this.syntaxError();
  }

  /** A top-level attribute name; a nested path (`a.b`, `a[0]`) is refused as unsupported. */
  path(): string {
    const token = this.peek();
    let name: string;
    if (token?.kind === 'placeholder') name = this.context.name(token.text, this.kind);
    else if (token?.kind === 'name' && !/^\d/.test(token.text)) name = token.text;
    else throw this.syntaxError();
    this.position += 1;
    if (this.isPunct('.') || this.isPunct('[')) throw this.unsupported('nested document paths (only top-level attribute names)');
    return name;
  }

  /** operand := value | path | function(...) ; in SET also operand (+|-) operand */
  operand(): Operand {
    const token = this.peek();
    if (token?.kind === 'value') {
      this.position += 1;
      return { kind: 'value', value: this.context.value(token.text, this.kind) };
    }
    if (token?.kind === 'name' && this.peek(1)?.text === '(') {
      const fn = token.text;
      if (fn === 'if_not_exists' || fn === 'list_append') {
        if (this.kind !== 'UpdateExpression') throw dynamoValidation(`Invalid ${this.kind}: The function is not allowed to be used this way in an expression; function: ${fn}`);
        this.position += 2;
        if (fn === 'if_not_exists') {
          const path = this.path();
          this.expectPunct(',');
          const fallback = this.operand();
          this.expectPunct(')');
          return { kind: 'if_not_exists', path, fallback };
        }
        const left = this.operand();
        this.expectPunct(',');
        const right = this.operand();
        this.expectPunct(')');
        return { kind: 'list_append', left, right };
      }
      if (UNSUPPORTED_FUNCTIONS.includes(fn)) throw this.unsupported(`the function ${fn}`);
      if (!FUNCTIONS.includes(fn)) throw dynamoValidation(`Invalid ${this.kind}: Invalid function name; function: ${fn}`);
      throw dynamoValidation(`Invalid ${this.kind}: The function is not allowed to be used this way in an expression; function: ${fn}`);
    }
    return { kind: 'path', name: this.path() };
  }

  /** The right-hand side of a SET action: operand, or operand + / - operand. */
  setValue(): Operand {
    const left = this.operand();
    if (this.isPunct('+') || this.isPunct('-')) {
      const op = this.peek()?.text as '+' | '-';
      this.position += 1;
      return { kind: 'arithmetic', op, left, right: this.operand() };
    }
    return left;
  }

  update(): UpdateAction[] {
    const actions: UpdateAction[] = [];
    const seen = new Set<string>();
    if (this.atEnd()) throw this.syntaxError();
    while (!this.atEnd()) {
      const keyword = this.peek();
      const section = keyword?.kind === 'name' ? keyword.text.toUpperCase() : '';
      if (section === 'DELETE') throw this.unsupported('the DELETE section of an update expression');
      if (section !== 'SET' && section !== 'ADD' && section !== 'REMOVE') throw this.syntaxError();
      if (seen.has(section)) throw dynamoValidation(`Invalid UpdateExpression: The "${section}" section can only be used once in an update expression;`);
      seen.add(section);
      this.position += 1;
      for (;;) {
        const path = this.path();
        if (section === 'SET') {
          this.expectPunct('=');
          actions.push({ kind: 'SET', path, value: this.setValue() });
        } else if (section === 'ADD') {
          const token = this.peek();
          if (token?.kind !== 'value') throw this.syntaxError();
          this.position += 1;
          actions.push({ kind: 'ADD', path, value: this.context.value(token.text, this.kind) });
        } else {
          actions.push({ kind: 'REMOVE', path });
        }
        if (!this.isPunct(',')) break;
        this.position += 1;
      }
    }
    const paths = actions.map((action) => action.path);
    const overlap = paths.find((path, index) => paths.indexOf(path) !== index);
    if (overlap !== undefined) {
      throw dynamoValidation(`Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${overlap}], path two: [${overlap}]`);
    }
    return actions;
  }
}

function parser(text: string | undefined, kind: ExpressionKind, context: ExpressionContext): Parser {
  if (text === undefined || text.trim() === '') throw dynamoValidation(`Invalid ${kind}: The expression can not be empty;`);
  return new Parser(tokenize(text, kind), kind, context);
}

export function parseCondition(text: string | undefined, kind: ExpressionKind, context: ExpressionContext): Condition {
  const p = parser(text, kind, context);
  const condition = p.condition();
  p.end();
  return condition;
}

export function parseUpdate(text: string | undefined, context: ExpressionContext): UpdateAction[] {
  return parser(text, 'UpdateExpression', context).update();
}

/** The value an operand has for `item`, or undefined when it names an attribute the item lacks. */
export function resolve(operand: Operand, item: Item | undefined): AttributeValue | undefined {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path':
      return item?.[operand.name];
    case 'if_not_exists':
      return item?.[operand.path] ?? resolve(operand.fallback, item);
    case 'list_append': {
      const left = resolve(operand.left, item);
      const right = resolve(operand.right, item);
      if (left === undefined || right === undefined) throw dynamoValidation('The provided expression refers to an attribute that does not exist in the item');
      if (!('L' in left) || !('L' in right)) throw dynamoValidation('Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: ' + typeName(('L' in left ? right : left)));
      return { L: [...left.L, ...right.L] };
    }
    case 'arithmetic': {
      const left = resolve(operand.left, item);
      const right = resolve(operand.right, item);
      if (left === undefined || right === undefined) throw dynamoValidation('The provided expression refers to an attribute that does not exist in the item');
      if (!('N' in left) || !('N' in right)) throw dynamoValidation(`An operand in the update expression has an incorrect data type`);
      return { N: addNumbers(left.N, operand.op === '+' ? right.N : negate(right.N)) };
    }
  }
}

function negate(n: string): string {
  return n.startsWith('-') ? n.slice(1) : n === '0' ? n : `-${n}`;
}

function typeName(value: AttributeValue): string {
  const names: Record<string, string> = { S: 'STRING', N: 'NUMBER', BOOL: 'BOOLEAN', NULL: 'NULL', L: 'LIST', M: 'MAP', SS: 'SET' };
  return names[typeOf(value)] ?? typeOf(value);
}

/** Whether `item` (undefined: no item) satisfies the condition. */
export function evaluate(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluate(condition.left, item) && evaluate(condition.right, item);
    case 'or':
      return evaluate(condition.left, item) || evaluate(condition.right, item);
    case 'not':
      return !evaluate(condition.condition, item);
    case 'exists':
      return (item?.[condition.path] !== undefined) === condition.exists;
    case 'compare': {
      const left = resolve(condition.left, item);
      const right = resolve(condition.right, item);
      if (left === undefined || right === undefined) return false;
      if (condition.op === '=') return valuesEqual(left, right);
      if (condition.op === '<>') return !valuesEqual(left, right);
      const order = compareScalars(left, right);
      if (order === undefined) return false;
      return condition.op === '<' ? order < 0 : condition.op === '<=' ? order <= 0 : condition.op === '>' ? order > 0 : order >= 0;
    }
    case 'between': {
      const value = resolve(condition.operand, item);
      const low = resolve(condition.low, item);
      const high = resolve(condition.high, item);
      if (value === undefined || low === undefined || high === undefined) return false;
      const lowOrder = compareScalars(value, low);
      const highOrder = compareScalars(value, high);
      return lowOrder !== undefined && highOrder !== undefined && lowOrder >= 0 && highOrder <= 0;
    }
    case 'in': {
      const value = resolve(condition.operand, item);
      return value !== undefined && condition.list.some((candidate) => {
        const other = resolve(candidate, item);
        return other !== undefined && valuesEqual(value, other);
      });
    }
    case 'begins_with': {
      const left = resolve(condition.left, item);
      const right = resolve(condition.right, item);
      return left !== undefined && right !== undefined && 'S' in left && 'S' in right && left.S.startsWith(right.S);
    }
    case 'contains': {
      const left = resolve(condition.left, item);
      const right = resolve(condition.right, item);
      if (left === undefined || right === undefined) return false;
      if ('S' in left && 'S' in right) return left.S.includes(right.S);
      if ('SS' in left && 'S' in right) return left.SS.includes(right.S);
      if ('L' in left) return left.L.some((element) => valuesEqual(element, right));
      return false;
    }
  }
}

/**
 * Applies update actions to a copy of `item` (`key` when there is none yet).
 * @throws AwsServiceError ValidationException for an operand of the wrong type, as DynamoDB does
 */
export function applyUpdate(actions: readonly UpdateAction[], item: Item): Item {
  const next: Item = { ...item };
  for (const action of actions) {
    switch (action.kind) {
      case 'SET': {
        const value = resolve(action.value, item);
        if (value === undefined) throw dynamoValidation('The provided expression refers to an attribute that does not exist in the item');
        next[action.path] = value;
        break;
      }
      case 'REMOVE':
        Reflect.deleteProperty(next, action.path);
        break;
      case 'ADD': {
        const current = item[action.path];
        if ('N' in action.value) {
          if (current !== undefined && !('N' in current)) throw dynamoValidation('An operand in the update expression has an incorrect data type');
          next[action.path] = { N: addNumbers(current?.N ?? '0', action.value.N) };
        } else if ('SS' in action.value) {
          if (current !== undefined && !('SS' in current)) throw dynamoValidation('An operand in the update expression has an incorrect data type');
          next[action.path] = { SS: [...new Set([...(current?.SS ?? []), ...action.value.SS])] };
        } else {
          throw dynamoValidation(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: ${typeName(action.value)}`);
        }
        break;
      }
    }
  }
  return next;
}
