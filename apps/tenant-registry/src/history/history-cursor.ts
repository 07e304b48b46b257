import { BadRequestException } from '@nestjs/common';

/** A history page ends at one (occurredAt, seq): the next page starts strictly after it. */
export interface HistoryPosition {
  readonly occurredAt: string;
  readonly seq: string;
}

export const encodeHistoryCursor = (p: HistoryPosition): string =>
  Buffer.from(`${p.occurredAt}|${p.seq}`).toString('base64url');

export function decodeHistoryCursor(cursor: string): HistoryPosition {
  const [occurredAt, seq, rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (
    rest !== undefined ||
    !/^[1-9][0-9]{0,18}$/.test(seq ?? '') ||
    isNaN(Date.parse(occurredAt))
  ) {
    throw new BadRequestException('after: must be the `next` of a previous page');
  }
  return { occurredAt, seq };
}
