import { z } from 'zod';
import { ZodParam } from '../http/path-params.decorator';

/** A product API token's id in a path: a uuid, or 400 before any query runs. */
export const TokenIdParam = () => ZodParam('tokenId', z.string().uuid());
