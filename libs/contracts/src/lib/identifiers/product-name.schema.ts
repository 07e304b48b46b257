import { z } from 'zod';

/** Product names appear in derived resource names (schemas, vhosts), hence the tight alphabet. */
export const productNameSchema = z
  .string()
  .min(3)
  .max(20)
  .regex(
    /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
    'product: 3-20 chars, lowercase letters, digits and single dashes, starting with a letter',
  );

export type ProductName = z.infer<typeof productNameSchema>;
