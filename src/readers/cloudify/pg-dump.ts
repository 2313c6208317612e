import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from './limits.js';
import { sharedLimits } from '../shared/limits.js';
import type { Source } from '../../model/source.js';
import { sourceLines } from '../shared/lines.js';
import { REDACTED } from '../shared/secrets.js';
import { ENTITY_KINDS, tooManyRecords } from './manager-view.js';
import { byteaHex, unpickle } from './pickle.js';
import { hasSecretValue, tooLargeToRedact, uncheckedLines } from './secret-values.js';

export type PgRow = Record<string, string | null>;

export interface PgTable {
  columns: string[];
  rowCount: number;
  /** Rows of the tables the Manager view shows, up to `limits.managerRecords`. */
  rows: PgRow[];
}

export interface PgDump {
  tables: Map<string, PgTable>;
  /** The create_snapshot execution, deleted by the dump's trailer. */
  createExecutionId?: string;
  /** `table.column` → rows whose value is a credential. */
  secretColumns: Map<string, number>;
  /** The dump with credential values replaced; null when it was too large to redact in memory or had lines too long to check. */
  redacted: string | null;
  diagnostics: Diagnostic[];
}

/** Columns that always hold credentials, whatever their value looks like. */
const SECRET_COLUMNS: Record<string, string[]> = {
  users: ['password', 'api_token_key'],
  tenants: ['rabbitmq_password'],
  agents: ['rabbitmq_password'],
  executions: ['token'],
  secrets: ['value'],
};

const KEPT_TABLES = new Set<string>(ENTITY_KINDS);
const COPY_LINE = /^COPY (?:public\.)?"?([\w]+)"? \((.*)\) FROM stdin;$/;

/** Reads a plain-SQL `pg_dump -a` line by line: COPY blocks become rows; everything else is passed over. */
export async function readPgDump(source: Source, path: string, blockSize?: number): Promise<PgDump> {
  const dump: PgDump = { tables: new Map(), secretColumns: new Map(), redacted: '', diagnostics: [] };
  let table: { name: string; data: PgTable } | undefined;
  let redactedBytes = 0;
  for await (const line of sourceLines(source, blockSize)) {
    if (!('text' in line)) {
      dump.diagnostics.push(
        diagnostic(
          'warning',
          'CLOUDIFY_LINE_TOO_LONG',
          `line ${line.number} of ${path} is longer than ${sharedLimits.values.dumpLineBytes} bytes and was skipped`,
          path,
        ),
      );
      if (dump.redacted !== null) dump.diagnostics.push(uncheckedLines(path));
      dump.redacted = null;
      continue;
    }
    let shown = line.text;
    if (table && line.text === '\\.') table = undefined;
    else if (table) shown = row(table.name, table.data, line.text, dump);
    else table = blockStart(line.text, dump);
    const trailer = /^DELETE FROM (?:public\.)?executions WHERE id = '([^']*)';$/.exec(line.text);
    if (trailer) dump.createExecutionId = trailer[1];
    // The limit is in bytes; a string's length counts UTF-16 units, which undercounts non-ASCII text.
    redactedBytes += Buffer.byteLength(shown) + 1;
    if (dump.redacted !== null && redactedBytes > sharedLimits.values.redactBytes) {
      dump.redacted = null;
      dump.diagnostics.push(tooLargeToRedact(path));
    } else if (dump.redacted !== null) dump.redacted = `${dump.redacted}${shown}\n`;
  }
  if (table)
    dump.diagnostics.push(
      diagnostic('error', 'CLOUDIFY_DUMP_TRUNCATED', `${path} ends inside the COPY block of ${table.name}`, path),
    );
  for (const [name, data] of dump.tables)
    if (KEPT_TABLES.has(name) && data.rows.length < data.rowCount)
      dump.diagnostics.push(tooManyRecords(`${name} rows`, data.rowCount, path));
  return dump;
}

function blockStart(text: string, dump: PgDump): { name: string; data: PgTable } | undefined {
  const match = COPY_LINE.exec(text);
  if (!match) return undefined;
  const name = match[1] ?? '';
  const columns = (match[2] ?? '').split(',').map((column) => column.trim().replace(/^"|"$/g, ''));
  const data: PgTable = { columns, rowCount: 0, rows: [] };
  dump.tables.set(name, data);
  return { name, data };
}

/** Counts and keeps the row; returns the line as the redacted dump shows it. */
function row(name: string, table: PgTable, text: string, dump: PgDump): string {
  const fields = text.split('\t').map(unescapeCopy);
  const record: PgRow = {};
  table.columns.forEach((column, index) => (record[column] = fields[index] ?? null));
  table.rowCount++;
  if (KEPT_TABLES.has(name) && table.rows.length < limits.managerRecords) table.rows.push(record);
  const raw = text.split('\t');
  let changed = false;
  table.columns.forEach((column, index) => {
    const value = record[column];
    if (value === null || value === undefined || value === '' || !isSecretField(name, column, value)) return;
    const key = `${name}.${column}`;
    dump.secretColumns.set(key, (dump.secretColumns.get(key) ?? 0) + 1);
    raw[index] = REDACTED;
    changed = true;
  });
  return changed ? raw.join('\t') : text;
}

function isSecretField(table: string, column: string, value: string): boolean {
  if (SECRET_COLUMNS[table]?.includes(column)) return true;
  const bytes = byteaHex(value);
  if (!bytes) return false;
  const decoded = unpickle(bytes);
  return decoded.ok && hasSecretValue(decoded.value);
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** COPY text format: `\N` is NULL; backslash escapes (named, octal, `\x` hex) are undone per field. */
export function unescapeCopy(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_match, code: string) => {
    if (code.startsWith('x') && code.length > 1) return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]+$/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return ESCAPES[code] ?? code;
  });
}
