import { defineEvent } from '../catalog/event-definition';
import { intakeReplySchema } from './intake-reply.schema';
import { intakeRepliesTopic } from './intake-topics';

/** The event type of every intake reply (an envelope like every platform event, on the replies topic). */
export const INTAKE_REPLIED = 'IntakeReplied';

/**
 * The reply event of one publisher: on its own `enclave.intake.<publisher>.replies` topic, keyed by
 * the tenant (one tenant's replies stay in order), or by the request id when no tenant could be read.
 * Not in the platform catalog: the topics exist per configured publisher.
 */
export const intakeReplyEvent = (publisher: string) =>
  defineEvent({
    type: INTAKE_REPLIED,
    topic: intakeRepliesTopic(publisher),
    versions: [{ version: 1, schema: intakeReplySchema }],
    partitionKey: (reply) => reply.tenantId ?? reply.requestId,
  });
