import { z } from 'zod';
import { ConfigValidationError } from './config-validation.error';
import { ALLOW_EXAMPLE_SECRETS_VARIABLE, isKnownExampleSecret } from './example-secrets';

export interface ConfigVariable<T extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly schema: T;
  readonly description: string;
  /** Secrets are never echoed: not in errors, not in logs, not in the printed summary. */
  readonly secret?: boolean;
  /** Variables that must be set whenever this one is (a user name and its password). */
  readonly requires?: readonly string[];
}

export type ConfigSpec = Record<string, ConfigVariable>;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

/** Declares the environment a service reads. Every variable carries a description and a secret flag. */
export class ConfigDefinition<S extends ConfigSpec = ConfigSpec> {
  constructor(readonly variables: S) {}

  extend<E extends ConfigSpec>(more: E): ConfigDefinition<S & E> {
    return new ConfigDefinition({ ...this.variables, ...more });
  }

  /**
   * Parses `env`, failing with one error that lists every bad or missing variable. A secret holding
   * one of the repository's published example values is refused too, unless
   * ENCLAVE_ALLOW_EXAMPLE_SECRETS=true marks a development stack.
   */
  load(env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    const examplesAllowed = env[ALLOW_EXAMPLE_SECRETS_VARIABLE] === 'true';
    for (const [name, variable] of Object.entries(this.variables)) {
      const raw = env[name] === '' ? undefined : env[name];
      if (variable.secret && !examplesAllowed && raw !== undefined && isKnownExampleSecret(raw)) {
        problems.push(
          `${name} is a published example value (secret): set one of your own, or ${ALLOW_EXAMPLE_SECRETS_VARIABLE}=true on a development stack — ${variable.description}`,
        );
        continue;
      }
      const parsed = variable.schema.safeParse(raw);
      if (parsed.success) {
        values[name] = parsed.data;
      } else {
        const why =
          raw === undefined ? 'is required' : parsed.error.issues.map((i) => i.message).join(', ');
        problems.push(
          `${name} ${why}${variable.secret ? ' (secret)' : ''} — ${variable.description}`,
        );
      }
    }
    for (const [name, variable] of Object.entries(this.variables)) {
      if (env[name] === undefined || env[name] === '') continue;
      for (const other of variable.requires ?? []) {
        if (env[other] === undefined || env[other] === '') {
          problems.push(
            `${other} is required with ${name} — ${this.variables[other]?.description}`,
          );
        }
      }
    }
    if (problems.length > 0) throw new ConfigValidationError(problems);
    return values as ConfigOf<S>;
  }

  /** Markdown rows for READMEs: name, description, secret flag. */
  describe(): string {
    return Object.entries(this.variables)
      .map(([name, v]) => `| \`${name}\` | ${v.description} | ${v.secret ? 'yes' : ''} |`)
      .join('\n');
  }

  /** The loaded values with secrets masked, fit for a start-up log line. */
  summarize(config: ConfigOf<S>): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this.variables).map(([name, v]) => [
        name,
        v.secret ? '[secret]' : (config as Record<string, unknown>)[name],
      ]),
    );
  }
}
