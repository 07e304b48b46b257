import { Command, CommanderError, Option } from 'commander';
import { CliError } from './cli.error';
import { deadLetterCommands } from './commands/dead-letter.commands';
import { productCommands } from './commands/product.commands';
import { rolloutCommands } from './commands/rollout.commands';
import { serviceCommands } from './commands/service.commands';
import { tenantCommands } from './commands/tenant.commands';
import { ExitCode } from './exit-code';

export const DEFAULT_API_URL = 'http://127.0.0.1:7100';

/** The `enclave` command tree. Every command and group answers `--help`. */
export function buildProgram(): Command {
  const program = new Command('enclave')
    .description(
      "Operate Enclave from a terminal: the admin API's daily tasks, with progress and exit codes.",
    )
    .addOption(
      new Option('--api-url <url>', "the tenant-registry's base URL")
        .env('ENCLAVE_API_URL')
        .default(DEFAULT_API_URL),
    )
    .addOption(
      new Option(
        '--token <token>',
        'an operator token (prefer the variable: arguments show in ps)',
      ).env('ENCLAVE_TOKEN'),
    )
    .option('--json', 'print the result as JSON on stdout (progress is not shown)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 2 usage, 3 rejected (4xx), 4 not found, 5 conflict, 6 unauthorized,
7 failed (--wait / --watch saw it fail), 8 timed out, 9 platform unavailable (unreachable or 5xx), 1 other.`,
    );
  for (const group of [
    tenantCommands(),
    serviceCommands(),
    productCommands(),
    rolloutCommands(),
    deadLetterCommands(),
  ])
    program.addCommand(group);
  // Usage errors end in ExitCode.Usage, not commander's own exit(1); help and version exit 0.
  program.exitOverride();
  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs the CLI on `argv` (process.argv form) and returns the exit code; never throws. */
export async function runCli(
  argv: readonly string[],
  stderr: NodeJS.WritableStream = process.stderr,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<ExitCode> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help is an answer (0); a group without a command prints its help as a usage error (2).
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? ExitCode.Ok
        : ExitCode.Usage;
    }
    if (error instanceof CliError) {
      stderr.write(`enclave: ${error.message}\n`);
      if (program.opts().json && error.details !== undefined)
        stdout.write(
          `${JSON.stringify({ error: error.message, exitCode: error.exitCode, details: error.details }, null, 2)}\n`,
        );
      return error.exitCode;
    }
    stderr.write(`enclave: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.Failure;
  }
}
