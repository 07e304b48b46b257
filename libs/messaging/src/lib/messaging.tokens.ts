export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const EVENT_CATALOG = Symbol('EVENT_CATALOG');
