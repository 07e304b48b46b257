/**
 * What a command's exit status says, so scripts can branch without parsing output. Documented in
 * tools/cli/README.md; tests check each one against the running platform.
 */
export const ExitCode = {
  Ok: 0,
  /** Something unexpected: a bug, or a platform answer the CLI does not understand. */
  Failure: 1,
  /** Wrong usage: unknown command or option, missing argument, a value the CLI refuses. */
  Usage: 2,
  /** The platform refused the request as invalid (HTTP 400, 413, 415, 422). */
  Rejected: 3,
  /** The tenant, product, registration or rollout does not exist (HTTP 404). */
  NotFound: 4,
  /** The request conflicts with the current state (HTTP 409), e.g. retrying a ready registration. */
  Conflict: 5,
  /** Authentication failed (HTTP 401/403): no token, a wrong or revoked one. */
  Unauthorized: 6,
  /** `--wait` saw the registration (or the rotation, or the rollout) end Failed / aborted. */
  Failed: 7,
  /** `--wait` gave up: the outcome did not arrive within `--timeout`. */
  Timeout: 8,
  /** The platform could not be reached, or answered 5xx. */
  Unavailable: 9,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
