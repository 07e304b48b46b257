/** The parts of the admin API's registration document the CLI reads (GET …/services/{product}). */
export interface RegistrationView {
  readonly id: string;
  readonly tenantId: string;
  readonly product: string;
  readonly productVersion: string;
  readonly isolationMode: string;
  readonly state: string;
  readonly retries: number;
  readonly conditions: readonly StageConditionView[];
  /** The registration's own resource limits (null: the defaults), and their revision. */
  readonly limits?: LimitsView | null;
  readonly limitsRevision?: number;
  readonly rotation: {
    readonly rotationId: string;
    readonly state: 'requested' | 'done' | 'failed';
    readonly reason: string | null;
  } | null;
}

export interface LimitsView {
  readonly postgres?: { readonly connectionLimit?: number; readonly statementTimeoutMs?: number };
  readonly rabbitmq?: { readonly maxConnections?: number; readonly maxQueues?: number };
}

export interface StageConditionView {
  readonly stage: string;
  readonly status: 'pending' | 'done' | 'failed';
  readonly reason: string | null;
  readonly durationMs: number | null;
}
