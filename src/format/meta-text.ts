import { escapeForDisplay } from '../model/display.js';
import { isMetaRecord, type MetaRecord, type MetaValue } from '../model/metadata.js';
import { formatValue } from './values.js';

/**
 * A metadata record as indented `key: value` lines. Nested records and lists of records indent
 * further; multi-line strings (a Candid service, say) become an indented block.
 */
export function metadataLines(record: MetaRecord, indent = '  '): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(record)) lines.push(...valueLines(escapeForDisplay(key), value, indent));
  return lines;
}

function valueLines(label: string, value: MetaValue, indent: string): string[] {
  if (isMetaRecord(value)) {
    const entries = Object.keys(value).length;
    return entries === 0 ? [`${indent}${label}: {}`] : [`${indent}${label}:`, ...metadataLines(value, `${indent}  `)];
  }
  if (Array.isArray(value) && value.some((element) => isMetaRecord(element) || element instanceof Uint8Array)) {
    return [`${indent}${label}: (${value.length})`, ...value.flatMap((element, index) => valueLines(`[${index}]`, element, `${indent}  `))];
  }
  if (typeof value === 'string' && value.includes('\n')) {
    return [`${indent}${label}:`, ...value.trimEnd().split('\n').map((line) => `${indent}  | ${escapeForDisplay(line)}`)];
  }
  return [`${indent}${label}: ${formatValue(value)}`];
}
