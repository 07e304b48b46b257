import type { Command } from 'commander';
import { RegistryClient } from './api/registry.client';
import { CliError } from './cli.error';
import { ExitCode } from './exit-code';
import { Output } from './output/output';

/** What every command needs, read from the global options (or their environment variables). */
export class CliContext {
  readonly output: Output;
  readonly registry: RegistryClient;

  constructor(command: Command) {
    const options = command.optsWithGlobals<{ apiUrl: string; token?: string; json?: boolean }>();
    this.output = new Output(!!options.json);
    let url: URL;
    try {
      url = new URL(options.apiUrl);
    } catch {
      throw new CliError(ExitCode.Usage, `--api-url is not a URL: ${options.apiUrl}`);
    }
    this.registry = new RegistryClient({ baseUrl: url.toString(), token: options.token });
  }
}

/** Wraps an action so it gets a CliContext built from its command. */
export function withContext<A extends unknown[]>(
  action: (context: CliContext, ...args: A) => Promise<void>,
) {
  return async function (this: Command, ...args: A): Promise<void> {
    await action(new CliContext(this), ...args);
  };
}
