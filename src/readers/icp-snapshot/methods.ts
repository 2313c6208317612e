import type { WasmExport } from '../shared/wasm.js';

export interface CanisterMethods {
  query: string[];
  update: string[];
  compositeQuery: string[];
  system: string[];
  /** Runtime plumbing (Motoko's `__motoko_*`, `@motoko_*`): real exports, but not the canister's API. */
  internal: string[];
}

const SYSTEM_HOOKS = new Set([
  'canister_init',
  'canister_pre_upgrade',
  'canister_post_upgrade',
  'canister_global_timer',
  'canister_heartbeat',
  'canister_inspect_message',
  'canister_on_low_wasm_memory',
]);

const METHOD_PREFIXES: [string, keyof Omit<CanisterMethods, 'system' | 'internal'>][] = [
  ['canister_query ', 'query'],
  ['canister_update ', 'update'],
  ['canister_composite_query ', 'compositeQuery'],
];

function isInternal(method: string): boolean {
  return method.startsWith('__motoko') || method.startsWith('@motoko');
}

export function classifyExports(exports: readonly WasmExport[]): CanisterMethods {
  const methods: CanisterMethods = { query: [], update: [], compositeQuery: [], system: [], internal: [] };
  for (const { name, kind } of exports) {
    if (kind !== 'func') continue;
    if (SYSTEM_HOOKS.has(name)) {
      methods.system.push(name);
      continue;
    }
    for (const [prefix, group] of METHOD_PREFIXES) {
      if (!name.startsWith(prefix)) continue;
      const method = name.slice(prefix.length);
      if (isInternal(method)) methods.internal.push(name);
      else methods[group].push(method);
    }
  }
  return methods;
}
