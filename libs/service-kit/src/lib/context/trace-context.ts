import type { EventActor } from '@enclave/contracts';
import { AsyncLocalStorage } from 'node:async_hooks';

export interface TraceFields {
  readonly tenantId?: string;
  readonly correlationId?: string;
  readonly eventId?: string;
  /** On whose behalf the work runs; events written beneath it carry it. */
  readonly actor?: EventActor;
}

const storage = new AsyncLocalStorage<TraceFields>();

/**
 * The tenant and correlation of the work in progress (an HTTP request or a consumed event), so every
 * log line written beneath it carries them without threading them through call signatures.
 */
export const TraceContext = {
  run<T>(fields: TraceFields, fn: () => T): T {
    return storage.run({ ...storage.getStore(), ...fields }, fn);
  },
  current(): TraceFields {
    return storage.getStore() ?? {};
  },
};
