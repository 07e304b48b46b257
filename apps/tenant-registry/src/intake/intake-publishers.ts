import { EventActor, intakePublisherNameSchema, productNameSchema } from '@enclave/contracts';
import { z } from 'zod';

/** Every product of the catalog, present and future (`<publisher>=*`). */
const ANY_PRODUCT = '*';

/**
 * `INTAKE_PUBLISHERS`: the upstream publishers the registry reads requests from, each with the products
 * it may act for: `signup=ledger+tracer,backoffice=tracer,billing=*`. Empty: no intake at all.
 */
export const intakePublishersSchema = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const entries = new Map<string, readonly string[] | typeof ANY_PRODUCT>();
    for (const item of text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [name, products, ...rest] = item.split('=');
      if (rest.length > 0 || products === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not <publisher>=<product>+…|*` });
        continue;
      }
      if (!intakePublisherNameSchema.safeParse(name).success) {
        ctx.addIssue({ code: 'custom', message: `"${name}" is not a publisher name (a-z0-9-)` });
        continue;
      }
      if (entries.has(name)) {
        ctx.addIssue({ code: 'custom', message: `publisher ${name} is listed twice` });
        continue;
      }
      if (products === ANY_PRODUCT) {
        entries.set(name, ANY_PRODUCT);
        continue;
      }
      const list = products.split('+');
      const bad = list.filter((p) => !productNameSchema.safeParse(p).success);
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${name}: not product names: ${bad.join(', ')}` });
        continue;
      }
      entries.set(name, [...new Set(list)]);
    }
    return new IntakePublishers(entries);
  });

/** Who may publish intake requests, and for which products (from validated configuration). */
export class IntakePublishers {
  constructor(private readonly entries: ReadonlyMap<string, readonly string[] | '*'>) {}

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Whether `publisher` may act for `product` (register it, or act on tenants that use it). */
  mayActFor(publisher: string, product: string): boolean {
    const products = this.entries.get(publisher);
    return products === ANY_PRODUCT || (products?.includes(product) ?? false);
  }

  /** The products of `products` that `publisher` may not act for. */
  foreign(publisher: string, products: readonly string[]): string[] {
    return products.filter((p) => !this.mayActFor(publisher, p));
  }

  /** For start-up logs: `signup=ledger+tracer`. */
  toString(): string {
    return [...this.entries]
      .map(([name, p]) => `${name}=${p === ANY_PRODUCT ? p : p.join('+')}`)
      .join(',');
  }
}

/** Who an intake request acts for, in events and the history: `publisher:<name>`. */
export const publisherActor = (publisher: string): EventActor => ({
  kind: 'publisher',
  name: publisher,
});
