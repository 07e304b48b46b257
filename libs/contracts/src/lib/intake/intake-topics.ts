import { productNameSchema } from '../identifiers/product-name.schema';

/**
 * Upstream publishers (a signup service, a product's back office) each get their own pair of intake
 * topics, so the broker's ACLs, not the message, say who wrote a request: a publisher may write only
 * its requests topic and read only its replies topic. Publisher names follow the product-name rules.
 */
export const intakePublisherNameSchema = productNameSchema;

export const intakeRequestsTopic = (publisher: string): string =>
  `enclave.intake.${intakePublisherNameSchema.parse(publisher)}.requests`;

export const intakeRepliesTopic = (publisher: string): string =>
  `enclave.intake.${intakePublisherNameSchema.parse(publisher)}.replies`;
