import { InvalidParameterError } from '@fixclust/core';
import {
  CommanderError,
  InvalidArgumentError,
  type Argument,
  type Command,
  type Option,
} from 'commander';

/**
 * Makes `program` and its subcommands report commander's parse errors as
 * one-line messages in fixclust's form, for `main` to print after
 * `fixclust: `. A flag or argument value that its parser or its choices
 * reject raises `InvalidParameterError` naming the flag or the argument
 * (as `<dir>`), the value and what is expected.
 * Every other commander error is thrown again as a `CommanderError` with
 * the same code and exit code and a rewritten message. Help and version
 * are thrown unchanged, with exit code 0.
 *
 * Commander reads every flag before it looks for `--help`, so a bad value
 * or a flag without its value would hide a help request. When `argv` has
 * `--help` or `-h` before any `--`, such an error shows the command's help
 * instead.
 *
 * Call it after every command and option is added, because it visits the
 * commands and options that exist at the time.
 */
export function useFixclustUsageErrors(
  program: Command,
  argv: readonly string[],
): void {
  const helpRequested = requestsHelp(argv);
  for (const command of commandTree(program)) {
    const onRejected = () => {
      if (helpRequested) command.help();
    };
    for (const option of command.options) {
      nameInValueErrors(option, option.long ?? option.flags, onRejected);
    }
    for (const argument of command.registeredArguments) {
      nameInValueErrors(argument, `<${argument.name()}>`, onRejected);
    }
    command.exitOverride((error) => {
      if (error.exitCode === 0) throw error;
      if (helpRequested && error.code === 'commander.optionMissingArgument') {
        command.help();
      }
      throw new CommanderError(
        error.exitCode,
        error.code,
        describeCommanderError(error, command),
      );
    });
  }
}

/** Checks whether `argv` has `--help` or `-h` before any `--`. */
function requestsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  return options.some((arg) => arg === '--help' || arg === '-h');
}

function commandTree(command: Command): Command[] {
  return [command, ...command.commands.flatMap(commandTree)];
}

/**
 * Wraps the parser of an option or argument, if it has one, so that a
 * rejected value calls `onRejected` and then raises
 * `InvalidParameterError` with `name`, the flag or `<argument>`, in the
 * message.
 */
function nameInValueErrors(
  target: Option | Argument,
  name: string,
  onRejected: () => void,
): void {
  const parse = target.parseArg;
  if (parse === undefined) return;

  target.parseArg = <T>(value: string, previous: T): T => {
    try {
      return parse(value, previous);
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      onRejected();
      const message =
        target.argChoices === undefined
          ? `${name} ${error.message}`
          : `${name} must be one of ${target.argChoices.join(', ')}, got ` +
            JSON.stringify(value);
      throw new InvalidParameterError(name, value, message);
    }
  };
}

/** Rewrites the message of a commander error raised by `command`. */
function describeCommanderError(
  error: CommanderError,
  command: Command,
): string {
  const subject = quotedSubject(error.message);
  const quoted = JSON.stringify(subject);
  const path = commandPath(command);
  const hint = suggestion(error.message, path);
  switch (error.code) {
    case 'commander.unknownOption':
      return `unknown option ${quoted} for ${path} ${hint}`;
    case 'commander.optionMissingArgument':
      return (
        `missing value for ${longFlag(command, subject)}, ` +
        `expected ${subject}`
      );
    case 'commander.missingMandatoryOptionValue':
      return `missing required option ${subject} for ${path}`;
    case 'commander.missingArgument':
      return `missing required argument <${subject}> for ${path}`;
    case 'commander.excessArguments':
      return excessArgumentsMessage(command, path);
    case 'commander.unknownCommand':
      return `unknown command ${quoted} ${hint}`;
    case 'commander.help':
      return missingCommandMessage(command, path);
    default:
      return withoutPrefix(error.message);
  }
}

/**
 * Returns the first text in single quotes, where commander names the flag,
 * argument or command.
 *
 * NOTE: a `CommanderError` carries only a code and a message, so the
 * subject is read from the message as commander 14 words it.
 */
function quotedSubject(message: string): string {
  return /'([^']*)'/.exec(message)?.[1] ?? '';
}

/** Returns commander's "(Did you mean …?)", or a pointer to the help. */
function suggestion(message: string, path: string): string {
  const match = /\(Did you mean [^)]*\)/.exec(message);
  return match?.[0] ?? `(see ${path} --help)`;
}

/** Returns the long flag of the option whose flags text is `flags`. */
function longFlag(command: Command, flags: string): string {
  const option = command.options.find((entry) => entry.flags === flags);
  return option?.long ?? flags;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let entry: Command | null = command; entry; entry = entry.parent) {
    names.unshift(entry.name());
  }
  return names.join(' ');
}

function excessArgumentsMessage(command: Command, path: string): string {
  const expected = command.registeredArguments.map((argument) => {
    const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
    return argument.required ? `<${name}>` : `[${name}]`;
  });
  const received = command.args.map((value) => JSON.stringify(value));
  return (
    `too many arguments for ${path}, expected ` +
    `${expected.length === 0 ? 'none' : expected.join(' ')}, ` +
    `got ${received.join(', ')}`
  );
}

/**
 * Describes why commander showed the help as an error: no command at all,
 * or `help NAME` with an unknown NAME.
 */
function missingCommandMessage(command: Command, path: string): string {
  const [first, second] = command.args;
  if (first === 'help' && second !== undefined) {
    return `unknown command ${JSON.stringify(second)} (see ${path} --help)`;
  }
  const names = command
    .createHelp()
    .visibleCommands(command)
    .map((entry) => entry.name());
  return `missing command, expected one of ${names.join(', ')}`;
}

function withoutPrefix(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}
