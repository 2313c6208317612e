import { Instant, type MetaRecord, type MetaValue } from '../../model/metadata.js';
import { limits } from '../shared/limits.js';
import { isRedactionMarker, isSecretName, redactionOf, redactText } from '../shared/secrets.js';
import { badField, field, isYamlMap, toMeta, within, type YamlContext, type YamlMap } from './yaml.js';

const NS_PER_SECOND = 1_000_000_000n;
/** `0001-01-01T00:00:00Z`, Go's zero time: LXD's "no expiry" and "never used". */
const GO_ZERO_NS = -62_135_596_800n * NS_PER_SECOND;
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i;

/** RFC3339 with up to nine fraction digits (Go writes nanoseconds), or null. */
export function parseLxdTime(text: string): Instant | null {
  const match = RFC3339.exec(text);
  if (!match) return null;
  const ms = Date.parse(`${match[1] ?? ''}${(match[3] ?? '').toUpperCase()}`);
  if (Number.isNaN(ms)) return null;
  const fraction = BigInt((match[2] ?? '').slice(0, 9).padEnd(9, '0'));
  return new Instant(BigInt(ms) * 1_000_000n + fraction);
}

/** A time field as metadata: an Instant, `never` for the Go zero time, the raw text when unparsable. */
export function lxdTime(context: YamlContext, map: YamlMap | undefined, key: string): MetaValue | undefined {
  const text = field(context, map, key, 'string');
  if (text === undefined) return undefined;
  const instant = parseLxdTime(text);
  if (!instant) {
    badField(within(context, key), `is not an RFC3339 time: ${text.slice(0, 60)}`);
    return text;
  }
  return instant.epochNs === GO_ZERO_NS ? 'never' : instant;
}

/** metadata.yaml stores Unix seconds; 0 means "not set" (an image that never expires). */
export function unixTime(context: YamlContext, map: YamlMap | undefined, key: string): MetaValue | undefined {
  const seconds = field(context, map, key, 'number');
  if (seconds === undefined) return undefined;
  if (!Number.isSafeInteger(seconds)) {
    badField(within(context, key), `is not a whole number of seconds: ${seconds}`);
    return seconds;
  }
  return seconds === 0 ? 'never' : new Instant(BigInt(seconds) * NS_PER_SECOND);
}

/**
 * A config or devices map as metadata, scalar values under secret-looking keys redacted unless
 * asked. Nested maps (devices) are walked; a map under a secret-looking name (a device called
 * `token`, say) is not hidden as a whole, only its secret-looking keys.
 */
export function redactedRecord(map: YamlMap, showSecrets: boolean, depth = 0): MetaRecord {
  const entries = Object.entries(map).map(([key, value]): [string, MetaValue] => {
    if (isYamlMap(value) && depth < limits.jsonDepth) return [key, redactedRecord(value, showSecrets, depth + 1)];
    const hidden = !showSecrets && isSecretName(key) && typeof value !== 'object' && value !== '';
    if (!showSecrets && typeof value === 'string' && CLOUD_INIT_KEY.test(key)) return [key, redactYamlText(value)];
    return [key, hidden ? redactionOf(String(value)) : toMeta(value, depth + 1)];
  });
  return Object.fromEntries(entries);
}

/** Config keys whose value is a cloud-init document (`#cloud-config` YAML) that LXD hands to the guest. */
const CLOUD_INIT_KEY = /^(?:user|cloud-init)\.(?:user-data|vendor-data|network-config)$/;

/** `key: value` on one YAML line, optionally a list item: indentation, `- `, key, separator, value. */
const YAML_LINE = /^(\s*(?:-\s+)?)(["']?)([\w.-]+)\2(\s*:)(.*)$/;

/**
 * YAML text with the value under every credential-like key replaced (`password: x`, `hashed_passwd:`,
 * `plain_text_passwd:`), and a whole nested block under one (`chpasswd:` with its `list: |` of
 * `user:password` lines, or its `users:` entries), after the free-text rules (quoted pairs, `k=v`,
 * PEM keys, URL passwords). Line by line, so its cost is linear in the text.
 */
export function redactYamlText(text: string): string {
  const out: string[] = [];
  let hidden: { below: number; marked: boolean } | null = null;
  // Where the marker of the hidden value sits and what it hides, fingerprinted once the block ends.
  let marker: { at: number; prefix: string; lines: string[] } | null = null;
  const closeMarker = (): void => {
    if (marker) out[marker.at] = `${marker.prefix}${redactionOf(marker.lines.join('\n'))}`;
    marker = null;
  };
  for (const line of redactText(text).split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (hidden && (line.trim() === '' || indent > hidden.below)) {
      // One marker stands for the whole block, so the shape of what was hidden is not told either.
      if (!hidden.marked) {
        marker = { at: out.length, prefix: ' '.repeat(indent), lines: [] };
        out.push('');
      }
      marker?.lines.push(line);
      hidden.marked = true;
      continue;
    }
    closeMarker();
    hidden = null;
    const match = YAML_LINE.exec(line);
    const [, lead = '', quote = '', key = '', colon = '', value = ''] = match ?? [];
    if (!match || !isSecretName(key)) {
      out.push(line);
      continue;
    }
    const inline = value.trim();
    const block = /^[|>][-+0-9]*$/.test(inline);
    // Nothing after the colon, or a block scalar indicator: the secret is the indented block below.
    if (inline === '' || block) hidden = { below: lead.length, marked: block };
    if (inline === '' || isRedactionMarker(inline)) {
      out.push(line);
      continue;
    }
    marker = { at: out.length, prefix: `${lead}${quote}${key}${quote}${colon} `, lines: [inline] };
    out.push('');
    if (!block) closeMarker();
  }
  closeMarker();
  return out.join('\n');
}
