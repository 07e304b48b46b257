import { z } from 'zod';

/** How clients name accounts (`cash`, `acme:revenue`); unique per tenant. */
export const accountAliasSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/,
    'alias: 1-100 letters, digits, _ . : @ -, starting with a letter or digit',
  );
