/**
 * The vault versions a completed rotation made current, per store (CredentialsRotated's
 * `credentials[store].version`): a resolution that answers older ones is stale.
 */
export type MinimumSecretVersions = Partial<Record<'postgres' | 'mongodb' | 'rabbitmq', number>>;
