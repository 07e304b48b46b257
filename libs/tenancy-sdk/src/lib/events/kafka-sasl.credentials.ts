/**
 * A product's (or publisher's) own Kafka principal: the platform's brokers authenticate every
 * client (SASL_PLAINTEXT, SCRAM) and allow each principal only its own topics.
 */
export interface KafkaSaslCredentials {
  readonly mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  readonly username: string;
  readonly password: string;
}
