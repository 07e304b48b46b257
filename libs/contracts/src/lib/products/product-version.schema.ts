import { z } from 'zod';

/** A product version: `major.minor.patch`, each part a number without leading zeros. */
export const productVersionSchema = z
  .string()
  .max(40)
  .regex(/^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/, 'version: major.minor.patch');

export type ProductVersion = z.infer<typeof productVersionSchema>;

/** Orders two versions numerically (1.10.0 after 1.9.0): negative, zero or positive. */
export function compareProductVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}
