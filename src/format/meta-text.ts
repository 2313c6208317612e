import { escapeForDisplay } from '../model/display.js';
import { isMetaRecord, type MetaRecord, type MetaValue } from '../model/metadata.js';
import { formatValue } from './values.js';
import { pushAll } from '../model/arrays.js';

/**
 * A metadata record as indented `key: value` lines. Nested records and lists of records indent
 * further; multi-line strings (a Candid service, say) become an indented block.
 */
export function metadataLines(record: MetaRecord, indent = '  '): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(record)) pushAll(lines, valueLines(escapeForDisplay(key), value, indent));
  return lines;
}

function valueLines(label: string, value: MetaValue, indent: string): string[] {
  if (isMetaRecord(value)) {
    const entries = Object.keys(value).length;
    return entries === 0 ? [`${indent}${label}: {}`] : [`${indent}${label}:`, ...metadataLines(value, `${indent}  `)];
  }
  if (Array.isArray(value) && value.some((element) => isMetaRecord(element) || element instanceof Uint8Array)) {
    return [
      `${indent}${label}: (${value.length})`,
      ...value.flatMap((element, index) => elementLines(`[${index}]`, element, `${indent}  `)),
    ];
  }
  if (typeof value === 'string' && value.includes('\n')) {
    return [
      `${indent}${label}:`,
      ...value
        .trimEnd()
        .split('\n')
        .map((line) => `${indent}  | ${escapeForDisplay(line)}`),
    ];
  }
  return [`${indent}${label}: ${formatValue(value)}`];
}

/** A list element that is a small flat record (a wasm global, say) reads best on one line. */
function elementLines(label: string, value: MetaValue, indent: string): string[] {
  const flat =
    isMetaRecord(value) &&
    Object.keys(value).length <= 4 &&
    Object.values(value).every((inner) => !isMetaRecord(inner) && !Array.isArray(inner));
  return flat ? [`${indent}${label}: ${formatValue(value)}`] : valueLines(label, value, indent);
}
