import type { CompletionModel } from './completion-model.js';
import { optionWords, shellQuote } from './completion-model.js';
import type { OptionSpec } from './options.js';

/** `_describe` entries: `'--json:machine-readable output'`, one per spelling. */
function described(specs: readonly OptionSpec[]): string {
  return specs.flatMap((spec) => optionWords(spec).map((word) => shellQuote(`${word}:${spec.help}`))).join(' ');
}

function valueArms(model: CompletionModel): string[] {
  return model.valued.map((spec) => {
    const action =
      spec.valueKind === 'file'
        ? '_files'
        : spec.valueKind === 'format'
          ? `compadd -- ${model.formats.join(' ')}`
          : spec.valueKind === 'section'
            ? `_sequence compadd - ${model.sections.join(' ')}`
            : `_message ${shellQuote(spec.value ?? 'value')}`;
    return `    (${optionWords(spec).join('|')}) ${action}; return ;;`;
  });
}

function operandArm(model: CompletionModel): string[] {
  return [
    '  case $command in',
    "    ('') _describe -t commands command commands; _files ;;",
    ...model.commands
      .filter((command) => command.operands !== 'paths')
      .map((command) => {
        const action =
          command.operands === 'commands'
            ? '_describe -t commands command commands'
            : `compadd -- ${model.shells.join(' ')}`;
        return `    (${command.name}) ${action} ;;`;
      }),
    '    (*) _files ;;',
    '  esac',
  ];
}

/** A zsh completion function, usable from a file on $fpath (`#compdef`) or sourced after compinit. */
export function zshScript(model: CompletionModel): string {
  return [
    '#compdef snapinspect',
    '# zsh completion for snapinspect, generated from its option table by `snapinspect completion zsh`.',
    '',
    '_snapinspect() {',
    '  local -a commands flags',
    `  commands=(${model.commands.map((command) => shellQuote(`${command.name}:${command.summary}`)).join(' ')})`,
    '  local command= word skip= i',
    '  for (( i = 2; i < CURRENT; i++ )); do',
    '    word=${words[i]}',
    '    if [[ -n $skip ]]; then skip=; continue; fi',
    '    case $word in',
    `      (${model.valued.flatMap(optionWords).join('|')}) skip=1 ;;`,
    '      (-*) ;;',
    '      (*) command=$word; break ;;',
    '    esac',
    '  done',
    '  case ${words[CURRENT-1]} in',
    ...valueArms(model),
    '  esac',
    '  if [[ ${words[CURRENT]} == -* ]]; then',
    '    case $command in',
    ...model.commands.map((command) => `      (${command.name}) flags=(${described(model.optionsOf(command))}) ;;`),
    `      (*) flags=(${described(model.topOptions)}) ;;`,
    '    esac',
    '    _describe -t options option flags',
    '    return',
    '  fi',
    ...operandArm(model),
    '}',
    '',
    'if [[ ${funcstack[1]} == _snapinspect ]]; then',
    '  _snapinspect "$@"',
    'else',
    '  compdef _snapinspect snapinspect',
    'fi',
    '',
  ].join('\n');
}
