/** A dependency the service cannot work without; `check` throws (or times out) when it is down. */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<Record<string, unknown> | void>;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');
