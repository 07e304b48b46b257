/** What the intake publisher client needs from Kafka: send one message, read some topics. */
export interface IntakeTransport {
  send(topic: string, key: string, value: string): Promise<void>;
  /** Resolves once messages published from now on are sure to be delivered to `onMessage`. */
  subscribe(
    topics: readonly string[],
    onMessage: (topic: string, value: Buffer | null) => void,
  ): Promise<void>;
  stop(): Promise<void>;
}
