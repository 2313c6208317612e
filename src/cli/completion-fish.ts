import type { CompletionModel } from './completion-model.js';
import type { CommandSpec } from './commands.js';
import type { OptionSpec } from './options.js';

/** `text` inside fish single quotes, where only `\` and `'` need escaping. */
function fishQuote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function names(model: CompletionModel): string {
  return model.commands.map((command) => command.name).join(' ');
}

function noCommand(model: CompletionModel): string {
  return `not __fish_seen_subcommand_from ${names(model)}`;
}

function valueFlags(spec: OptionSpec, model: CompletionModel): string {
  if (spec.value === undefined) return '';
  if (spec.valueKind === 'file') return ' -r -F';
  if (spec.valueKind === 'format') return ` -x -a ${fishQuote(model.formats.join(' '))}`;
  if (spec.valueKind === 'section') return ` -x -a ${fishQuote(model.sections.join(' '))}`;
  return ' -x';
}

function optionLine(spec: OptionSpec, condition: string | undefined, model: CompletionModel): string {
  const short = spec.short ? ` -s ${spec.short.slice(1)}` : '';
  const when = condition ? ` -n ${fishQuote(condition)}` : '';
  return `complete -c snapinspect${when}${short} -l ${spec.long.slice(2)}${valueFlags(spec, model)} -d ${fishQuote(spec.help)}`;
}

/** Where an option is offered: after the commands it applies to, and before any command for info's. */
function conditionOf(spec: OptionSpec, model: CompletionModel): string | undefined {
  const commands = model.commands.filter((command) => model.optionsOf(command).includes(spec));
  if (commands.length === model.commands.length && model.topOptions.includes(spec)) return undefined;
  const seen = `__fish_seen_subcommand_from ${commands.map((command) => command.name).join(' ')}`;
  return model.topOptions.includes(spec) ? `${seen}; or ${noCommand(model)}` : seen;
}

function operandLines(command: CommandSpec, model: CompletionModel): string[] {
  if (command.operands === 'paths') return [];
  const offered = command.operands === 'commands' ? names(model) : model.shells.join(' ');
  return [`complete -c snapinspect -n '__fish_seen_subcommand_from ${command.name}' -f -a '${offered}'`];
}

/** A fish completion file: commands first, then each option where it applies; paths are fish's default. */
export function fishScript(model: CompletionModel): string {
  const options = [...new Set([...model.topOptions, ...model.commands.flatMap(model.optionsOf)])];
  return [
    '# fish completion for snapinspect, generated from its option table by `snapinspect completion fish`.',
    ...model.commands.map(
      (command) =>
        `complete -c snapinspect -n '${noCommand(model)}' -a ${command.name} -d ${fishQuote(command.summary)}`,
    ),
    ...model.commands.flatMap((command) => operandLines(command, model)),
    ...options.map((spec) => optionLine(spec, conditionOf(spec, model), model)),
    '',
  ].join('\n');
}
