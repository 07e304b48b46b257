/**
 * Statuses that say nothing about the request itself: 404/409 (a concurrent run or teardown is
 * changing the same object), 408/425/429 (timing, back-pressure), and 401/403 — the platform's own
 * administrator credentials, which a configuration fix cures without touching the event.
 */
const TRANSIENT_CLIENT_STATUSES = new Set([401, 403, 404, 408, 409, 425, 429]);

const NODE_FAILURE = /^Request to node \S+ failed with|\{'EXIT'/;
/** The vhost exists but its supervisor has not started yet (a PUT racing its creation). */
const VHOST_STARTING = /vhost_supervisor_not_running/;

/**
 * A management API call that failed: `status` and the API's `reason` when the server answered,
 * `code` (ECONNREFUSED, ETIMEDOUT…) when it did not. `retryable` is false for the other 4xx (the
 * request is wrong — a bad type, an inequivalent queue, a limit reached — and repeating it cannot
 * help), which is how runStage and the consumer tell a permanent failure from a transient one.
 * Messages name the method and path only, never credentials.
 */
export class RabbitMqApiError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(
      `RabbitMQ management API ${method} /api/${path} ${status === undefined ? 'failed' : `answered ${status}`}: ${reason}`,
    );
    this.name = 'RabbitMqApiError';
    this.retryable = !RabbitMqApiError.isPermanent(status, reason);
  }

  static isPermanent(status: number | undefined, reason = ''): boolean {
    if (
      status === undefined ||
      status < 400 ||
      status >= 500 ||
      TRANSIENT_CLIENT_STATUSES.has(status)
    )
      return false;
    // The API answers 400 to a crash inside the broker too ("Request to node … failed with
    // {'EXIT', …}", e.g. a queue declared while its vhost is still starting), and to a declaration
    // in a vhost whose supervisor is not running yet: not the request's fault.
    return !NODE_FAILURE.test(reason) && !RabbitMqApiError.isVhostStarting(reason);
  }

  static isVhostStarting(reason = ''): boolean {
    return VHOST_STARTING.test(reason);
  }
}
