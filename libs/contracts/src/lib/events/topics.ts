/** Every Kafka topic the platform's lifecycle uses. Dead-letter topics are `<topic>.dlq`. */
export const Topics = {
  TenantCreated: 'enclave.tenant.created',
  ServiceRegistered: 'enclave.service.registered',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;
