import { z } from 'zod';
import { ZodParam } from '../http/path-params.decorator';

/** A named operator token's id in a path: a uuid, or 400 before any query runs. */
export const OperatorTokenIdParam = () => ZodParam('tokenId', z.string().uuid());
