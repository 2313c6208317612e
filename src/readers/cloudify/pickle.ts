import { isMetaRecord, type MetaRecord, type MetaValue } from '../../model/metadata.js';
import { pushAll } from '../../model/arrays.js';
import { jsonText } from '../shared/json.js';

/** What a pickled column decodes to, or why it stays opaque. */
export type Unpickled = { ok: true; value: MetaValue } | { ok: false; reason: string };

const MAX_OPS = 1_000_000;
/** Memo recalls share objects, so a few hundred bytes can describe 2^n items; the decoded tree is capped as if each share were a copy. */
const MAX_ITEMS = 1_000_000;
/** Deep enough for any Cloudify plan; shallow enough for the recursive secret walkers. */
const MAX_DEPTH = 200;

class PickleError extends Error {}

/**
 * A minimal pickle VM (protocols 0–3) for the dict-like columns Cloudify stores in pg_data.
 * Objects made from a GLOBAL (the blueprint `Plan`, a dict subclass) become plain records, so the
 * decoder never runs code; anything outside the subset makes the value opaque, never a crash.
 */
export function unpickle(bytes: Uint8Array): Unpickled {
  try {
    return { ok: true, value: new PickleMachine(bytes).run() };
  } catch (error) {
    return { ok: false, reason: error instanceof PickleError ? error.message : 'malformed pickle' };
  }
}

/** `\x8002…` text of a bytea column (after COPY unescaping) as bytes, or null when it is not one. */
export function byteaHex(text: string): Uint8Array | null {
  if (!/^\\x(?:[0-9a-f]{2})*$/i.test(text)) return null;
  return Buffer.from(text.slice(2), 'hex');
}

const MARK = Symbol('mark');
type Slot = MetaValue | typeof MARK;

class PickleMachine {
  private at = 0;
  private readonly stack: Slot[] = [];
  private readonly memo = new Map<number, MetaValue>();
  private readonly budget = { items: MAX_ITEMS };
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): MetaValue {
    for (let ops = 0; ops < MAX_OPS; ops++) {
      const op = this.byte();
      if (op === 0x2e) return this.bounded(this.pop());
      this.step(op);
    }
    throw new PickleError('pickle too long');
  }

  private step(op: number): void {
    const simple = this.constant(op);
    if (simple !== undefined) return void this.stack.push(simple.value);
    switch (op) {
      case 0x80:
        return void this.byte();
      case 0x28:
        return void this.stack.push(MARK);
      case 0x4a:
        return this.push(this.view.getInt32(this.take(4), true));
      case 0x4b:
        return this.push(this.byte());
      case 0x4d:
        return this.push(this.view.getUint16(this.take(2), true));
      case 0x8a:
        return this.push(this.long(this.byte()));
      case 0x47:
        return this.push(this.view.getFloat64(this.take(8), false));
      case 0x58:
        return this.push(this.text(this.view.getUint32(this.take(4), true), 'utf8'));
      case 0x55:
        return this.push(this.text(this.byte(), 'latin1'));
      case 0x54:
        return this.push(this.text(this.view.getUint32(this.take(4), true), 'latin1'));
      case 0x43:
        return this.push(this.raw(this.byte()));
      case 0x42:
        return this.push(this.raw(this.view.getUint32(this.take(4), true)));
      case 0x71:
        return void this.memo.set(this.byte(), this.top());
      case 0x72:
        return void this.memo.set(this.view.getUint32(this.take(4), true), this.top());
      case 0x70:
        return void this.memo.set(Number(this.line()), this.top());
      case 0x68:
        return this.push(this.recall(this.byte()));
      case 0x6a:
        return this.push(this.recall(this.view.getUint32(this.take(4), true)));
      case 0x67:
        return this.push(this.recall(Number(this.line())));
      case 0x63:
        return this.push({ __global__: `${this.line()}.${this.line()}` });
      case 0x52:
      case 0x81:
        this.pop();
        this.pop();
        return this.push({});
      case 0x62:
        return this.build();
      case 0x73:
        return this.setItems(this.stack.splice(-2));
      case 0x75:
        return this.setItems(this.sinceMark());
      case 0x61:
        return this.append([this.pop()]);
      case 0x65:
        return this.append(this.sinceMark());
      case 0x74:
        return this.push(this.sinceMark());
      case 0x85:
      case 0x86:
      case 0x87:
        return this.push(this.stack.splice(-(op - 0x84)).map((slot) => this.value(slot)));
      default:
        throw new PickleError(`unsupported opcode 0x${op.toString(16)} at byte ${this.at - 1}`);
    }
  }

  private constant(op: number): { value: MetaValue } | undefined {
    if (op === 0x7d) return { value: {} };
    if (op === 0x5d || op === 0x29) return { value: [] };
    if (op === 0x4e) return { value: null };
    if (op === 0x88) return { value: true };
    if (op === 0x89) return { value: false };
    return undefined;
  }

  private build(): void {
    const state = this.pop();
    const target = this.top();
    if (isMetaRecord(target) && isMetaRecord(state))
      for (const [key, item] of Object.entries(state)) setKey(target, key, item);
  }

  private setItems(items: Slot[]): void {
    const target = this.top();
    if (!isMetaRecord(target)) throw new PickleError('SETITEM on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2)
      setKey(target, keyText(this.bounded(this.value(items[i]))), this.value(items[i + 1]));
  }

  private append(items: Slot[]): void {
    const target = this.top();
    if (!Array.isArray(target)) throw new PickleError('APPEND on a non-list');
    pushAll(
      target,
      items.map((slot) => this.value(slot)),
    );
  }

  private sinceMark(): MetaValue[] {
    const mark = this.stack.lastIndexOf(MARK);
    if (mark < 0) throw new PickleError('no mark');
    return this.stack
      .splice(mark)
      .slice(1)
      .map((slot) => this.value(slot));
  }

  /**
   * The value once it is known to expand to few enough items, shallow enough and without containing itself.
   * One budget covers the result and every stringified tuple key, so repeated keys cannot multiply the work.
   */
  private bounded(value: MetaValue): MetaValue {
    measure(value, new Set(), this.budget);
    return value;
  }

  private long(length: number): MetaValue {
    const bytes = this.raw(length);
    let value = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0);
    if (length > 0 && ((bytes[length - 1] ?? 0) & 0x80) !== 0) value -= 1n << BigInt(length * 8);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private recall(index: number): MetaValue {
    const value = this.memo.get(index);
    if (value === undefined) throw new PickleError(`memo ${index} missing`);
    return value;
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.at);
    if (end < 0) throw new PickleError('unterminated line');
    const text = Buffer.from(this.bytes.subarray(this.at, end)).toString('latin1');
    this.at = end + 1;
    return text;
  }

  private text(length: number, encoding: 'utf8' | 'latin1'): string {
    return Buffer.from(this.raw(length)).toString(encoding);
  }

  private raw(length: number): Uint8Array {
    return this.bytes.subarray(this.take(length), this.at);
  }

  private take(length: number): number {
    if (this.at + length > this.bytes.length) throw new PickleError('truncated pickle');
    const start = this.at;
    this.at += length;
    return start;
  }

  private byte(): number {
    return this.bytes[this.take(1)] ?? 0;
  }

  private push(value: MetaValue): void {
    this.stack.push(value);
  }

  private pop(): MetaValue {
    if (this.stack.length === 0) throw new PickleError('stack underflow');
    return this.value(this.stack.pop());
  }

  private top(): MetaValue {
    return this.value(this.stack[this.stack.length - 1]);
  }

  private value(slot: Slot | undefined): MetaValue {
    if (slot === undefined || slot === MARK) throw new PickleError('stack underflow');
    return slot;
  }
}

/** defineProperty, not assignment: a hostile `__proto__` key must stay a plain key. */
function setKey(target: MetaRecord, key: string, value: MetaValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Walks a value as if each shared object were a copy, charging the budget: throws once it is spent, too deep, or self-containing. */
function measure(value: MetaValue, ancestors: Set<MetaValue>, budget: { items: number }): void {
  if (--budget.items < 0) throw new PickleError(`pickle expands to more than ${MAX_ITEMS} items`);
  const children = Array.isArray(value) ? value : isMetaRecord(value) ? Object.values(value) : [];
  if (children.length === 0) return;
  if (ancestors.has(value)) throw new PickleError('pickle contains itself');
  if (ancestors.size >= MAX_DEPTH) throw new PickleError(`pickle nests deeper than ${MAX_DEPTH} levels`);
  ancestors.add(value);
  for (const child of children) measure(child, ancestors, budget);
  ancestors.delete(value);
}

function keyText(value: MetaValue): string {
  return typeof value === 'string' ? value : jsonText(value);
}
