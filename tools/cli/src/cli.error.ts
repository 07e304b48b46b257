import { ExitCode } from './exit-code';

/** An outcome that ends the command with a given exit code and a one-line reason on stderr. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** The platform's own answer, printed as is with `--json`. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
