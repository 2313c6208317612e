import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, corpusRoot } from '../helpers/cli.js';

const before = join(corpusRoot, 'icp/counter/before');
const present = existsSync(join(before, 'metadata.json'));
if (!present) console.warn(`SKIPPED corpus Candid suite: ${before} not found (the shared corpus sits beside the repo)`);

describe.skipIf(!present)('shared corpus: the Candid interface of counter.wasm (counter.mo)', () => {
  it('lists the four public functions of counter.mo with their Candid types and modes', async () => {
    const { code, stdout } = await cli(['info', '--json', before]);
    expect(code).toBe(0);
    const module = JSON.parse(stdout).metadata.module;
    // counter.mo: inc() : async Nat, query get() : async Nat, query name() : async Text, reset(to : Nat) : async ().
    expect(module.candid).toEqual({
      methods: { get: '() -> (nat) query', inc: '() -> (nat)', name: '() -> (text) query', reset: '(to : nat) -> ()' },
      types: {},
      init_args: '()',
    });
    expect(module.motoko_stable_types).toBe(
      '// Version: 1.0.0\nactor {\n  stable var count : Nat;\n  stable var label_ : Text\n};\n',
    );
  });

  it('puts each signature on its method in the module tree', async () => {
    const methods = ['get', 'name', 'inc', 'reset'];
    expect((await cli(['ls', `${before}:wasm_module.bin/methods`])).stdout).toBe(methods.map((m) => `${m}\n`).join(''));
    const reset = JSON.parse((await cli(['info', '--json', `${before}:wasm_module.bin/methods/reset`])).stdout);
    expect(reset).toMatchObject({ note: '(to : nat) -> ()', attrs: { kind: 'update', signature: '(to : nat) -> ()' } });
  });
});
