/** Where a registration stands in the last rollout that reached it, while it is not at its target. */
export interface RegistrationUpgrade {
  rolloutId: string;
  toVersion: string;
  state: 'upgrading' | 'failed';
  /** Why it is behind: the stage and cause of the failure. */
  reason: string | null;
}
