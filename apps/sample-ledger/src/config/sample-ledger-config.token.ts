/** Injection token of the validated SampleLedgerConfig. */
export const SAMPLE_LEDGER_CONFIG = Symbol('SAMPLE_LEDGER_CONFIG');
