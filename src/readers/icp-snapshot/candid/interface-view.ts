import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import type { MetaRecord } from '../../../model/metadata.js';
import { DidSyntaxError, parseDid, parseDidArguments, type CandidInterface } from './did-parser.js';
import type { FieldNames } from './types.js';
import { argumentsText, funcText, typeText, type CandidType } from './types.js';

export interface InterfaceView {
  /** `{ methods: { name: signature }, types: { name: definition }, init_args? }`, diffed method by method. */
  summary: MetaRecord;
  interface: CandidInterface;
  fieldNames: FieldNames;
}

/**
 * The module's Candid service text decoded into methods and types; `argsText` (the `candid:args`
 * section) supplies the init arguments when the service text has none. Null with a diagnostic when
 * the text is not Candid.
 */
export function readInterface(
  serviceText: string,
  argsText: string | undefined,
  path: string,
  diagnostics: Diagnostic[],
): InterfaceView | null {
  let parsed: CandidInterface;
  try {
    parsed = parseDid(serviceText);
    if (parsed.initArgs === undefined && argsText !== undefined) parsed.initArgs = parseDidArguments(argsText);
  } catch (error) {
    if (!(error instanceof DidSyntaxError)) throw error;
    diagnostics.push(
      diagnostic(
        'warning',
        'ICP_CANDID_UNPARSABLE',
        `the Candid service text cannot be parsed: ${error.message}`,
        path,
      ),
    );
    return null;
  }
  return { summary: interfaceSummary(parsed), interface: parsed, fieldNames: fieldNames(parsed) };
}

function interfaceSummary(parsed: CandidInterface): MetaRecord {
  const methods: MetaRecord = {};
  for (const method of parsed.methods)
    methods[method.name] = 'ref' in method.type ? method.type.ref : funcText(method.type);
  const types: MetaRecord = {};
  for (const [name, type] of parsed.types) types[name] = typeText(type);
  return { methods, types, ...(parsed.initArgs ? { init_args: argumentsText(parsed.initArgs) } : {}) };
}

/** Every record and variant label the interface names, by its hash, so stored Candid values show names. */
function fieldNames(parsed: CandidInterface): FieldNames {
  const names = new Map<number, string>();
  const visit = (type: CandidType): void => {
    if (type.kind === 'opt' || type.kind === 'vec') visit(type.inner);
    else if (type.kind === 'record' || type.kind === 'variant') {
      for (const field of type.fields) {
        if (field.name !== undefined) names.set(field.id, field.name);
        visit(field.type);
      }
    } else if (type.kind === 'func') [...type.func.args, ...type.func.results].forEach((arg) => visit(arg.type));
    else if (type.kind === 'service')
      type.methods.forEach((method) => 'ref' in method.type || visit({ kind: 'func', func: method.type }));
  };
  parsed.types.forEach(visit);
  parsed.methods.forEach((method) => 'ref' in method.type || visit({ kind: 'func', func: method.type }));
  parsed.initArgs?.forEach((arg) => visit(arg.type));
  return names;
}
