import type { CompletionModel } from './completion-model.js';
import { optionWords } from './completion-model.js';
import type { OptionSpec } from './options.js';

function words(specs: readonly OptionSpec[]): string {
  return specs.flatMap(optionWords).join(' ');
}

/** `case` arms completing the value of each option that takes one. */
function valueArms(model: CompletionModel): string[] {
  return model.valued.map((spec) => {
    const pattern = optionWords(spec).join('|');
    const reply =
      spec.valueKind === 'file'
        ? '_snapinspect_reply < <(compgen -f -- "$cur")'
        : spec.valueKind === 'format'
          ? `_snapinspect_reply < <(compgen -W "${model.formats.join(' ')}" -- "$cur")`
          : spec.valueKind === 'section'
            ? `_snapinspect_reply < <(compgen -W "${model.sections.join(' ')}" -- "$cur")`
            : ':';
    return `    ${pattern}) ${reply}; return ;;`;
  });
}

function operandArm(model: CompletionModel): string[] {
  const names = model.commands.map((command) => command.name).join(' ');
  return [
    '  case $command in',
    `    '') _snapinspect_reply < <(compgen -W "${names}" -- "$cur"); _snapinspect_reply < <(compgen -f -- "$cur") ;;`,
    ...model.commands
      .filter((command) => command.operands !== 'paths')
      .map((command) => {
        const offered = command.operands === 'commands' ? names : model.shells.join(' ');
        return `    ${command.name}) _snapinspect_reply < <(compgen -W "${offered}" -- "$cur") ;;`;
      }),
    '    *) _snapinspect_reply < <(compgen -f -- "$cur") ;;',
    '  esac',
  ];
}

/**
 * A bash completion function. The first word that is neither an option nor an option's value is
 * the command (or a PATH, which takes the options of info); `:` and `=` are word breaks in bash,
 * so `--format=ID` arrives as three words.
 */
export function bashScript(model: CompletionModel): string {
  const valued = model.valued.flatMap(optionWords).join('|');
  return [
    '# bash completion for snapinspect, generated from its option table by `snapinspect completion bash`.',
    '_snapinspect_reply() {',
    '  local line',
    '  while IFS= read -r line; do COMPREPLY+=("$line"); done',
    '}',
    '',
    '_snapinspect() {',
    '  COMPREPLY=()',
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
    '  if [[ $cur == = ]]; then cur=; elif [[ $prev == = ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi',
    '  local command= word skip= i',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    word=${COMP_WORDS[i]}',
    '    if [[ -n $skip ]]; then [[ $word == = ]] || skip=; continue; fi',
    '    case $word in',
    `      ${valued}) skip=1 ;;`,
    '      -*) ;;',
    '      *) command=$word; break ;;',
    '    esac',
    '  done',
    '  case $prev in',
    ...valueArms(model),
    '  esac',
    '  if [[ $cur == -* ]]; then',
    '    local flags',
    '    case $command in',
    ...model.commands.map((command) => `      ${command.name}) flags="${words(model.optionsOf(command))}" ;;`),
    `      *) flags="${words(model.topOptions)}" ;;`,
    '    esac',
    '    _snapinspect_reply < <(compgen -W "$flags" -- "$cur")',
    '    return',
    '  fi',
    ...operandArm(model),
    '}',
    '',
    'complete -o filenames -F _snapinspect snapinspect',
    '',
  ].join('\n');
}
