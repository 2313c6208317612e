import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layering rule of docs/architecture.md, Layers: imports flow cli → app → readers | diff | verify → model,
// workers sit beside model, and nothing imports tui. Each entry forbids the layers above a folder.
const layers = [
  { files: ['src/model/**'], forbid: ['cli', 'app', 'readers', 'diff', 'verify', 'format', 'tui', 'workers'] },
  { files: ['src/workers/**'], forbid: ['cli', 'app', 'readers', 'diff', 'verify', 'format', 'tui', 'model'] },
  { files: ['src/readers/**'], forbid: ['cli', 'app', 'diff', 'verify', 'format', 'tui'] },
  { files: ['src/diff/**'], forbid: ['cli', 'app', 'readers', 'verify', 'format', 'tui'] },
  { files: ['src/verify/**'], forbid: ['cli', 'app', 'readers', 'diff', 'format', 'tui'] },
  { files: ['src/format/**'], forbid: ['cli', 'app', 'readers', 'diff', 'verify', 'tui'] },
  { files: ['src/app/**'], forbid: ['cli', 'tui'] },
  { files: ['src/cli/**'], forbid: ['tui'] },
];

const layerRules = layers.map(({ files, forbid }) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbid.map((layer) => ({ group: [`**/${layer}/*`], message: `layering: cannot import ${layer}/ here` })),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/work/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-control-regex': 'off',
    },
  },
  // Spreading an input-sized array into a call overflows the stack at a few hundred thousand items.
  {
    files: ['src/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement',
          message: 'spreading into push() overflows the stack on large inputs: use pushAll from model/arrays.ts',
        },
        {
          selector: "CallExpression[callee.object.name='Math'] > SpreadElement",
          message: 'spreading into Math.max/min overflows the stack on large inputs: use maxOf from model/arrays.ts',
        },
      ],
    },
  },
  // Tests poke into parsed JSON output, whose shape the assertions themselves check.
  { files: ['test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  ...layerRules,
);
