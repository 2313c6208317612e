export type Severity = 'error' | 'warning' | 'info';

/** A broken or notable part of an otherwise readable input. `code` is stable across releases. */
export interface Diagnostic {
  severity: Severity;
  code: string;
  path?: string;
  message: string;
}

export function diagnostic(severity: Severity, code: string, message: string, path?: string): Diagnostic {
  return path === undefined ? { severity, code, message } : { severity, code, path, message };
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function bySeverity(a: Diagnostic, b: Diagnostic): number {
  return severityRank[a.severity] - severityRank[b.severity];
}

/** Each problem once, in first-seen order: several views and checks may find the same one. */
export function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((found) => {
    const key = diagnosticKey(found);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function diagnosticKey(found: Diagnostic): string {
  return `${found.severity}\u0000${found.code}\u0000${found.path ?? ''}\u0000${found.message}`;
}
