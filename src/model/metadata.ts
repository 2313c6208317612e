const MAX_DATE_SECONDS = 8_640_000_000_000n;

/** A point in time with nanosecond precision (snapshot formats record ns; Date keeps only ms). */
export class Instant {
  constructor(readonly epochNs: bigint) {}

  /** ISO 8601 in UTC, with as many fraction digits as needed (none, ms, µs or ns). */
  toISOString(): string {
    const perSecond = 1_000_000_000n;
    let seconds = this.epochNs / perSecond;
    let fraction = this.epochNs % perSecond;
    if (fraction < 0n) {
      seconds -= 1n;
      fraction += perSecond;
    }
    // Beyond what Date can show (year 275760), fall back to plain seconds rather than fail.
    if (seconds > MAX_DATE_SECONDS || seconds < -MAX_DATE_SECONDS)
      return `${seconds}.${fraction.toString().padStart(9, '0')}s since 1970`;
    const base = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
    if (fraction === 0n) return `${base}Z`;
    const digits = fraction
      .toString()
      .padStart(9, '0')
      .replace(/(?:000)+$/, '');
    return `${base}.${digits}Z`;
  }
}

/**
 * A typed metadata value. Integers that may exceed 2^53 are bigint; byte strings are Uint8Array
 * (shown as hex); times are Instant. Records keep their key order.
 */
export type MetaValue = string | number | bigint | boolean | null | Uint8Array | Instant | MetaValue[] | MetaRecord;

export interface MetaRecord {
  [key: string]: MetaValue;
}

export function isMetaRecord(value: MetaValue | undefined): value is MetaRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Instant)
  );
}

/** Metadata keeps u64 values exact: a plain number while it is safe, a bigint beyond 2^53. */
export function exactInteger(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
