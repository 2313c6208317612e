import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { errorMessage } from '../../model/errors.js';
import { limits } from '../shared/limits.js';
import type { MetaValue } from '../../model/metadata.js';
import { BytesSource, readAll } from '../../model/source.js';
import type { TreeNode } from '../../model/tree.js';
import { REDACTED } from '../shared/secrets.js';
import type { PgDump } from './pg-dump.js';
import { isConfigFileName, redactText } from '../shared/secrets.js';
import { redactValue, tooLargeToRedact } from './secret-values.js';

/** How a secret-bearing file is shown by default. */
type Redaction = 'whole' | 'json' | 'json-all' | 'text';

interface SecretRule {
  test: (path: string) => boolean;
  redaction: Redaction;
  /** Said when the file is flagged; content-dependent rules flag only when redaction changed something. */
  what: string;
  always: boolean;
  /** Flagged by its text alone: a file that cannot be read is left to cat and verify, which report it. */
  byContent?: boolean;
}

/** What tenants uploaded (blueprints, plugins, deployment files), as opposed to the manager's own configuration. */
const USER_UPLOADS = /^(?:blueprints|plugins|deployments)\//;

const PRIVATE_KEY_NAME = /(?:\.key|key\.pem|\.p12)$/i;

const RULES: SecretRule[] = [
  {
    test: (path) => path === 'rest-security.conf',
    redaction: 'json-all',
    what: 'encryption_key (decrypts every encrypted value in this archive), hash_salt, secret_key',
    always: true,
  },
  { test: (path) => path === 'hash_salt.json', redaction: 'whole', what: 'REST password hash salt', always: true },
  {
    test: (path) => path === 'admin_account.json',
    redaction: 'json',
    what: 'admin password hash and api_token_key',
    always: true,
  },
  {
    test: (path) => path.startsWith('ssl/') && PRIVATE_KEY_NAME.test(path),
    redaction: 'whole',
    what: 'private key',
    always: true,
  },
  {
    test: (path) => path.startsWith('snapshot-credentials/') && !path.endsWith('/'),
    redaction: 'whole',
    what: 'agent SSH private key',
    always: true,
  },
  {
    test: (path) => path === 'agents.json',
    redaction: 'json',
    what: 'plaintext broker password (broker_pass)',
    always: false,
  },
  {
    test: (path) => path === 'es_data',
    redaction: 'text',
    what: 'credentials in log and event messages',
    always: false,
  },
  {
    test: (path) => /^(stage\/conf\/app\.json|composer\/backend\/conf\/prod\.json)$/.test(path),
    redaction: 'json',
    what: 'database URL with a password, session secret',
    always: false,
  },
  {
    test: (path) => /^(mgmt|tenants)\/.*\.json$/.test(path),
    redaction: 'json',
    what: 'plaintext secrets, passwords or password hashes',
    always: false,
  },
  { test: (path) => path.startsWith('ssl/'), redaction: 'text', what: 'PEM private key', always: false },
  // Configuration the format notes do not list (composer's conf_example.js and siblings), judged by its text.
  // Not the tenants' own uploads: judging each of thousands of blueprint files would inflate them all on open.
  {
    test: (path) => isConfigFileName(path) && !USER_UPLOADS.test(path),
    redaction: 'text',
    what: 'credentials in a configuration file',
    always: false,
    byContent: true,
  },
  // Reached only when the dump could not be parsed (damaged, a bomb): without column-wise redaction it is withheld whole.
  {
    test: (path) => path === 'pg_data',
    redaction: 'whole',
    what: 'database dump with credentials (unreadable, withheld whole)',
    always: true,
  },
];

const UNCHECKED_DUMP = 'database dump that could not be fully checked for credentials (withheld whole)';

export interface SecretEntry {
  path: string;
  what: string;
}

/**
 * Flags every secret-bearing file and, unless secrets are shown, gives it a redacted copy to print:
 * whole files (keys) become a one-line notice; JSON keeps its keys with values masked. cat, text
 * diffs and the UI print the copy; diff and hash still compare the real bytes.
 */
export async function applySecretRules(
  files: Map<string, TreeNode>,
  pg: PgDump | undefined,
  showSecrets: boolean,
  diagnostics: Diagnostic[],
): Promise<SecretEntry[]> {
  const found: SecretEntry[] = [];
  for (const [path, node] of files) {
    if (path === 'pg_data' && pg) {
      const what = pgSecrets(pg, files.has('rest-security.conf'));
      // Without a redacted copy (a line too long to check, too large) the dump may hold unseen credentials: fail closed.
      if (what || pg.redacted === null)
        found.push(flag(node, path, what || UNCHECKED_DUMP, showSecrets ? undefined : pg.redacted));
      continue;
    }
    const rule = RULES.find((candidate) => candidate.test(path));
    if (!rule || !node.content) continue;
    const redacted = await redactFile(node, rule.redaction, path, rule.byContent ? [] : diagnostics);
    if (!rule.always && (redacted.unchanged || (rule.byContent && redacted.text === null))) continue;
    found.push(flag(node, path, rule.what, showSecrets ? undefined : redacted.text));
  }
  return found;
}

function flag(node: TreeNode, path: string, what: string, redacted: string | null | undefined): SecretEntry {
  node.flags = [...(node.flags ?? []), 'secret'];
  node.note = `secret: ${what}`;
  if (redacted !== undefined)
    node.shown = new BytesSource(
      Buffer.from(redacted ?? `${REDACTED} (withheld whole: too large or damaged to redact)\n`),
    );
  return { path, what };
}

/** With the Fernet key in the same archive, "encrypted" columns are as good as plaintext; say so. */
function pgSecrets(pg: PgDump, keyIncluded: boolean): string {
  const columns = [...pg.secretColumns]
    .map(([column, rows]) => `${column} (${rows} row${rows === 1 ? '' : 's'})`)
    .join(', ');
  return columns && keyIncluded
    ? `${columns}; encrypted values are recoverable with the key in rest-security.conf`
    : columns;
}

async function redactFile(
  node: TreeNode,
  redaction: Redaction,
  path: string,
  diagnostics: Diagnostic[],
): Promise<{ text: string | null; unchanged: boolean }> {
  if (redaction === 'whole') return { text: `${REDACTED}\n`, unchanged: false };
  let bytes: Uint8Array | null;
  try {
    bytes = node.content ? await readAll(node.content, limits.redactBytes) : null;
  } catch (error) {
    diagnostics.push(diagnostic('error', 'CLOUDIFY_UNREADABLE', `${path}: ${errorMessage(error)}`, path));
    return { text: null, unchanged: false };
  }
  if (bytes === null) {
    diagnostics.push(tooLargeToRedact(path));
    return { text: null, unchanged: false };
  }
  const original = Buffer.from(bytes).toString('utf8');
  const text = redaction === 'text' ? redactText(original) : redactJson(original, redaction === 'json-all');
  return { text, unchanged: text === original };
}

function redactJson(original: string, everything: boolean): string {
  let value: MetaValue;
  try {
    value = JSON.parse(original) as MetaValue;
  } catch {
    return redactText(original);
  }
  const redacted = redactValue(secretEnvelope(value), '', everything);
  const text = `${JSON.stringify(redacted, null, 2)}\n`;
  return text === `${JSON.stringify(value, null, 2)}\n` ? original : text;
}

/** In new-format `secrets` envelopes the plaintext sits under the innocent key `value`. */
function secretEnvelope(value: MetaValue): MetaValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('type' in value) || !('items' in value))
    return value;
  const envelope = value as Record<string, MetaValue>;
  if (envelope.type !== 'secrets' || !Array.isArray(envelope.items)) return value;
  return {
    ...envelope,
    items: envelope.items.map((item) =>
      typeof item === 'object' && item !== null && !Array.isArray(item) && 'value' in item
        ? { ...item, value: REDACTED }
        : item,
    ),
  };
}
