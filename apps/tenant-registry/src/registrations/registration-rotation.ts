/**
 * The last credential rotation asked for a registration, as the admin API shows it: `requested`
 * until the aggregator says every resource applied it (`done`) or a stage gave up (`failed`, with
 * the cause). Products keep getting the versions in force until `done`.
 */
export interface RegistrationRotation {
  readonly rotationId: string;
  readonly state: 'requested' | 'done' | 'failed';
  readonly requestedAt: string;
  readonly completedAt: string | null;
  readonly reason: string | null;
}
