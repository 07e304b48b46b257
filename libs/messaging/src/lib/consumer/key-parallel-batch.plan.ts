/** What the planner needs of a Kafka message: its key (null: none) and its offset. */
export interface KeyedMessage {
  readonly key: Buffer | string | null;
  readonly offset: string;
}

/**
 * A run of consecutive messages of one batch, split into lanes: one lane per key, holding that key's
 * messages in batch order (as indexes into `messages`). All null-key messages share one lane.
 */
export interface BatchChunk<M extends KeyedMessage> {
  readonly messages: readonly M[];
  readonly lanes: readonly (readonly number[])[];
}

/**
 * Cuts one partition's batch into chunks of at most `keyConcurrency` distinct keys, in order: a chunk
 * ends where a message would bring in one key too many. Lanes of a chunk may run side by side; a
 * lane runs strictly in order. With `keyConcurrency` 1 every chunk has one lane: fully serial.
 */
export function planKeyParallelBatch<M extends KeyedMessage>(
  messages: readonly M[],
  keyConcurrency: number,
): BatchChunk<M>[] {
  if (!Number.isInteger(keyConcurrency) || keyConcurrency < 1)
    throw new Error(`key concurrency must be a positive integer, got ${keyConcurrency}`);
  const chunks: BatchChunk<M>[] = [];
  let current: M[] = [];
  let lanes = new Map<string | null, number[]>();
  for (const message of messages) {
    const lane = laneOf(message.key);
    if (!lanes.has(lane) && lanes.size === keyConcurrency) {
      chunks.push({ messages: current, lanes: [...lanes.values()] });
      current = [];
      lanes = new Map();
    }
    const indexes = lanes.get(lane) ?? [];
    indexes.push(current.length);
    lanes.set(lane, indexes);
    current.push(message);
  }
  if (current.length > 0) chunks.push({ messages: current, lanes: [...lanes.values()] });
  return chunks;
}

// Keys compare by their bytes; base64 keeps any byte sequence distinct.
function laneOf(key: Buffer | string | null): string | null {
  if (key === null) return null;
  return typeof key === 'string' ? Buffer.from(key).toString('base64') : key.toString('base64');
}
