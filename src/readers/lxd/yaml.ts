import { CST, Lexer, Parser, parse } from 'yaml';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { errorMessage } from '../../model/errors.js';
import { limits } from '../shared/limits.js';
import { limits as lxdLimits } from './limits.js';
import type { MetaRecord, MetaValue } from '../../model/metadata.js';

/** Go's yaml.v2 never writes anchors, so LXD files have no aliases; a few are tolerated, a bomb is not. */
const MAX_ALIASES = 50;

export type YamlMap = Record<string, unknown>;

/** Where a value came from, for LXD_BAD_FIELD messages: the file and the dotted key path inside it. */
export interface YamlContext {
  file: string;
  at: string;
  diagnostics: Diagnostic[];
}

export function yamlContext(file: string, diagnostics: Diagnostic[]): YamlContext {
  return { file, at: '', diagnostics };
}

export function within(context: YamlContext, key: string): YamlContext {
  return { ...context, at: context.at ? `${context.at}.${key}` : key };
}

/**
 * Parses one LXD YAML file with the core schema (RFC3339 timestamps stay strings). Never throws:
 * oversized, deeply nested, alias-bombed or malformed text becomes an LXD_BAD_YAML diagnostic and null.
 */
export function parseLxdYaml(text: string, file: string, diagnostics: Diagnostic[]): unknown {
  const problem = guardProblem(text);
  if (problem === null) {
    try {
      // The library's duplicate-key check compares each key with every earlier one of its map: quadratic,
      // minutes for an index.yaml of 100,000 keys. Without it a repeated key keeps its last value.
      return parse(text, {
        schema: 'core',
        maxAliasCount: MAX_ALIASES,
        logLevel: 'error',
        uniqueKeys: false,
      }) as unknown;
    } catch (error) {
      diagnostics.push(
        diagnostic('error', 'LXD_BAD_YAML', `${file} is not valid YAML: ${firstLine(errorMessage(error))}`, file),
      );
      return null;
    }
  }
  diagnostics.push(diagnostic('error', 'LXD_BAD_YAML', `${file} ${problem}`, file));
  return null;
}

/** Checked before reading, so a huge file is never loaded. */
export function yamlTooLarge(file: string, size: number): Diagnostic {
  return diagnostic('error', 'LXD_BAD_YAML', `${file} ${sizeProblem(size)}`, file);
}

function sizeProblem(size: number): string {
  return `is ${size} bytes; LXD YAML files are small and the limit is ${limits.metadataBytes}`;
}

function guardProblem(text: string): string | null {
  if (text.length > limits.metadataBytes) return sizeProblem(text.length);
  const shape = shapeOf(text);
  if (shape.deepest > limits.jsonDepth)
    return `nests more than ${limits.jsonDepth} levels deep, far beyond any LXD file`;
  return shape.keys > lxdLimits.lxdYamlKeys
    ? `has more than ${lxdLimits.lxdYamlKeys} mapping keys (limit lxdYamlKeys), far beyond any LXD file`
    : null;
}

/**
 * Deepest nesting and number of mapping keys, measured on the iterative CST parser before the
 * recursive composer sees the text, so that hostile nesting can never exhaust the stack and a file of
 * millions of keys is refused before it is built. Stops as soon as a limit is passed.
 */
function shapeOf(text: string): { deepest: number; keys: number } {
  const parser = new Parser();
  let deepest = 0;
  let keys = 0;
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) void token;
    deepest = Math.max(deepest, parser.stack.length);
    if (CST.tokenType(lexeme) === 'map-value-ind') keys++;
    if (deepest > limits.jsonDepth || keys > lxdLimits.lxdYamlKeys) break;
  }
  return { deepest, keys };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

export function isYamlMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

interface FieldKinds {
  map: YamlMap;
  list: unknown[];
  string: string;
  boolean: boolean;
  number: number;
}

const kindNames: Record<keyof FieldKinds, string> = {
  map: 'a mapping',
  list: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
};

function hasKind(value: unknown, kind: keyof FieldKinds): boolean {
  if (kind === 'map') return isYamlMap(value);
  if (kind === 'list') return Array.isArray(value);
  return typeof value === kind;
}

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isYamlMap(value)) return 'a mapping';
  if (value instanceof Uint8Array) return 'binary data';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? ''}`.trim();
}

/** A key of a mapping with the expected type; absent and null are quietly undefined, anything else is reported. */
export function field<K extends keyof FieldKinds>(
  context: YamlContext,
  map: YamlMap | undefined,
  key: string,
  kind: K,
): FieldKinds[K] | undefined {
  const value = map && Object.hasOwn(map, key) ? map[key] : undefined;
  if (value === undefined || value === null) return undefined;
  if (hasKind(value, kind)) return value as FieldKinds[K];
  badField(within(context, key), `should be ${kindNames[kind]}, found ${describeValue(value)}`);
  return undefined;
}

export function badField(context: YamlContext, problem: string): void {
  context.diagnostics.push(
    diagnostic('warning', 'LXD_BAD_FIELD', `${context.file}: ${context.at || 'the document'} ${problem}`, context.file),
  );
}

/** Strings of a list; other elements are reported and skipped. */
export function stringList(context: YamlContext, map: YamlMap | undefined, key: string): string[] | undefined {
  const list = field(context, map, key, 'list');
  if (!list) return undefined;
  const strings = list.filter((item): item is string => typeof item === 'string');
  if (strings.length < list.length)
    badField(within(context, key), `has ${list.length - strings.length} elements that are not strings`);
  return strings;
}

/**
 * Any parsed value as metadata. Aliases can make a structure refer to itself, so depth is capped
 * here too rather than trusting the parse-time check.
 */
export function toMeta(value: unknown, depth = 0): MetaValue {
  if (depth > limits.jsonDepth) return '(nested too deep)';
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map((item) => toMeta(item, depth + 1));
  if (isYamlMap(value)) return toMetaRecord(value, depth);
  return String(value);
}

export function toMetaRecord(map: YamlMap, depth = 0): MetaRecord {
  // fromEntries defines own properties, so a `__proto__` key stays a key.
  return Object.fromEntries(Object.entries(map).map(([key, inner]) => [key, toMeta(inner, depth + 1)]));
}
