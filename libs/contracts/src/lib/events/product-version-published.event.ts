import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { productNameSchema } from '../identifiers/product-name.schema';
import { productManifestSchema } from '../products/product-manifest.schema';
import { productVersionSchema } from '../products/product-version.schema';
import { Topics } from './topics';

const v1 = z
  .object({
    product: productNameSchema,
    version: productVersionSchema,
    /** The whole validated manifest, naming this product and version: stages keep their own copy. */
    manifest: productManifestSchema,
    /** sha256 of the manifest; the same version is never published with another. */
    checksum: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

/**
 * A product team published a version of its manifest. Published versions are immutable, so a
 * stage may cache one forever. Keyed by product: one product's versions stay in order.
 */
export const ProductVersionPublished = defineEvent({
  type: 'ProductVersionPublished',
  topic: Topics.ProductVersionPublished,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: (p) => p.product,
});

export type ProductVersionPublishedPayload = z.output<typeof v1>;

/** Envelope tenant of product-wide events, which concern every tenant of the product. */
export const ALL_TENANTS = '*';
