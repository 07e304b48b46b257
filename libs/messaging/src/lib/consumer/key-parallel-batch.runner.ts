import { KeyedMessage, planKeyParallelBatch } from './key-parallel-batch.plan';

export interface KeyParallelBatchHooks<M extends KeyedMessage> {
  /** Handles one message; throws only to stop consuming (the message stays unfinished). */
  handle(message: M): Promise<void>;
  /** False once the consumer stops or the partition was sought: start nothing more. */
  proceed(): boolean;
  /** Everything up to and including `offset` is finished (kafkajs resolveOffset, then commit/heartbeat). */
  progress(offset: string): Promise<void>;
}

/**
 * Runs one partition's batch with up to `keyConcurrency` keys in flight and each key's messages in
 * order (planKeyParallelBatch). Progress is reported only for the contiguous run of finished
 * messages from the start of the batch, so a committed offset never passes an unfinished message. On
 * the first failure nothing new starts; the messages in flight finish, then the failure is rethrown.
 */
export async function runKeyParallelBatch<M extends KeyedMessage>(
  messages: readonly M[],
  keyConcurrency: number,
  hooks: KeyParallelBatchHooks<M>,
): Promise<void> {
  for (const chunk of planKeyParallelBatch(messages, keyConcurrency)) {
    if (!hooks.proceed()) return;
    const finished = new Array<boolean>(chunk.messages.length).fill(false);
    let prefix = 0;
    let failure: { error: unknown } | undefined;
    // Progress reports run one at a time, in offset order; after a failure too, so what finished
    // before the failed message is not redelivered.
    let reporting = Promise.resolve();
    const report = (offset: string) => {
      reporting = reporting
        .then(() => hooks.progress(offset))
        .catch((error: unknown) => {
          failure ??= { error };
        });
      return reporting;
    };
    const runLane = async (lane: readonly number[]) => {
      for (const index of lane) {
        if (failure || !hooks.proceed()) return;
        try {
          await hooks.handle(chunk.messages[index]);
        } catch (error) {
          failure ??= { error };
          return;
        }
        finished[index] = true;
        const before = prefix;
        while (prefix < finished.length && finished[prefix]) prefix++;
        if (prefix > before) await report(chunk.messages[prefix - 1].offset);
      }
    };
    await Promise.all(chunk.lanes.map(runLane));
    await reporting;
    if (failure) throw failure.error;
    // Stopped before the chunk was done: the rest is redelivered to whoever owns the partition next.
    if (prefix < finished.length) return;
  }
}
