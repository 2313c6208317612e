import { idlLabelToId } from '@icp-sdk/core/candid';
import { limits } from '../limits.js';
import { DidSyntaxError, tokenize, type Token } from './did-lexer.js';
import {
  PRIMITIVES,
  primitive,
  type CandidArgument,
  type CandidField,
  type CandidMethod,
  type CandidType,
  type FuncType,
  type PrimitiveName,
} from './types.js';

/** A `.did` file: its named types and its service (methods, or the name of a service type), with init arguments. */
export interface CandidInterface {
  types: Map<string, CandidType>;
  methods: CandidMethod[];
  /** `service : (init : nat) -> { … }` gives the init arguments; undefined when the text has none. */
  initArgs?: CandidArgument[];
}

export { DidSyntaxError };

const FUNC_MODES = new Set(['query', 'composite_query', 'oneway']);

/** Parses a Candid service description; throws DidSyntaxError with an offset when the text is not one. */
export function parseDid(text: string): CandidInterface {
  const parser = new DidParser(tokenize(text), text.length);
  return parser.program();
}

/** Parses an argument list such as the `candid:args` section (`(to : nat)`). */
export function parseDidArguments(text: string): CandidArgument[] {
  const parser = new DidParser(tokenize(text), text.length);
  const args = parser.tuple(0);
  parser.end();
  return args;
}

class DidParser {
  private at = 0;
  private readonly result: CandidInterface = { types: new Map(), methods: [] };

  constructor(
    private readonly tokens: Token[],
    private readonly textLength: number,
  ) {}

  program(): CandidInterface {
    while (this.peek()) {
      if (this.accept('type')) this.definition();
      else if (this.accept('import')) this.expectKind('text');
      else if (this.accept('service')) this.service();
      else this.fail(`expected "type" or "service", found ${this.describe()}`);
      this.accept(';');
    }
    return this.result;
  }

  end(): void {
    if (this.peek()) this.fail(`unexpected ${this.describe()}`);
  }

  private definition(): void {
    const name = this.expectKind('word').value;
    this.expect('=');
    this.result.types.set(name, this.type(0));
  }

  private service(): void {
    if (this.peek()?.kind === 'word') this.next();
    this.expect(':');
    if (this.peek()?.value === '(') {
      this.result.initArgs = this.tuple(0);
      this.expect('->');
    }
    if (this.peek()?.value === '{') this.result.methods = this.methods(0);
    else {
      const name = this.expectKind('word').value;
      const target = this.result.types.get(name);
      if (target?.kind !== 'service') this.fail(`service type ${name} is not defined as a service`);
      else this.result.methods = target.methods;
    }
  }

  private methods(depth: number): CandidMethod[] {
    this.expect('{');
    const methods: CandidMethod[] = [];
    while (!this.accept('}')) {
      const name = this.name();
      this.expect(':');
      const type: CandidMethod['type'] =
        this.peek()?.value === '(' ? this.func(depth) : { ref: this.expectKind('word').value };
      methods.push({ name, type });
      if (!this.accept(';') && this.peek()?.value !== '}') this.fail(`expected ";" after method ${name}`);
    }
    return methods;
  }

  private func(depth: number): FuncType {
    const args = this.tuple(depth);
    this.expect('->');
    const results = this.tuple(depth);
    const modes: string[] = [];
    while (this.peek()?.kind === 'word' && FUNC_MODES.has(this.peek()?.value ?? '')) modes.push(this.next().value);
    return { args, results, modes };
  }

  tuple(depth: number): CandidArgument[] {
    this.expect('(');
    const args: CandidArgument[] = [];
    while (!this.accept(')')) {
      const named = this.peek(1)?.value === ':' && (this.peek()?.kind === 'word' || this.peek()?.kind === 'text');
      const name = named ? this.name() : undefined;
      if (named) this.expect(':');
      const type = this.type(depth + 1);
      args.push(name === undefined ? { type } : { name, type });
      if (!this.accept(',') && this.peek()?.value !== ')') this.fail(`expected "," or ")", found ${this.describe()}`);
    }
    return args;
  }

  private type(depth: number): CandidType {
    if (depth > limits.candidDepth) this.fail(`types nest deeper than ${limits.candidDepth} levels`);
    const token = this.expectKind('word');
    switch (token.value) {
      case 'opt':
      case 'vec':
        return { kind: token.value, inner: this.type(depth + 1) };
      case 'blob':
        return { kind: 'vec', inner: primitive('nat8') };
      case 'record':
      case 'variant':
        return { kind: token.value, fields: this.fields(token.value, depth) };
      case 'func':
        return { kind: 'func', func: this.func(depth) };
      case 'service':
        return { kind: 'service', methods: this.methods(depth) };
      default:
        return (PRIMITIVES as readonly string[]).includes(token.value)
          ? primitive(token.value as PrimitiveName)
          : { kind: 'ref', name: token.value };
    }
  }

  private fields(keyword: 'record' | 'variant', depth: number): CandidField[] {
    this.expect('{');
    const fields: CandidField[] = [];
    while (!this.accept('}')) {
      fields.push(this.field(keyword, fields.length, depth));
      if (!this.accept(';') && this.peek()?.value !== '}') this.fail(`expected ";" or "}", found ${this.describe()}`);
    }
    return fields;
  }

  private field(keyword: 'record' | 'variant', position: number, depth: number): CandidField {
    const token = this.peek();
    const labelled = this.peek(1)?.value === ':';
    if (token?.kind === 'number' && labelled) {
      this.next();
      this.expect(':');
      return { id: this.number(token), type: this.type(depth + 1) };
    }
    if ((token?.kind === 'word' || token?.kind === 'text') && labelled) {
      const name = this.name();
      this.expect(':');
      return { id: idlLabelToId(name), name, type: this.type(depth + 1) };
    }
    if (keyword === 'variant' && token?.kind === 'number')
      return { id: this.number(this.next()), type: primitive('null') };
    if (keyword === 'variant') {
      const name = this.name();
      return { id: idlLabelToId(name), name, type: primitive('null') };
    }
    return { id: position, type: this.type(depth + 1) };
  }

  private number(token: Token): number {
    const value = Number(token.value.replaceAll('_', ''));
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
      this.fail(`field id ${token.value} is not a 32-bit number`);
    return value;
  }

  private name(): string {
    const token = this.next();
    if (token.kind !== 'word' && token.kind !== 'text') this.fail(`expected a name, found "${token.value}"`);
    return token.value;
  }

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.at + ahead];
  }

  private next(): Token {
    const token = this.tokens[this.at];
    if (token === undefined) this.fail('unexpected end of text');
    this.at++;
    return token;
  }

  private accept(value: string): boolean {
    const token = this.peek();
    if (token === undefined || token.value !== value || token.kind === 'text') return false;
    this.at++;
    return true;
  }

  private expect(value: string): void {
    if (!this.accept(value)) this.fail(`expected "${value}", found ${this.describe()}`);
  }

  private expectKind(kind: Token['kind']): Token {
    const token = this.next();
    if (token.kind !== kind) this.fail(`expected a ${kind === 'word' ? 'name' : kind}, found "${token.value}"`);
    return token;
  }

  private describe(): string {
    const token = this.peek();
    return token === undefined ? 'the end of the text' : `"${token.value}"`;
  }

  private fail(message: string): never {
    throw new DidSyntaxError(message, this.peek()?.offset ?? this.textLength);
  }
}
