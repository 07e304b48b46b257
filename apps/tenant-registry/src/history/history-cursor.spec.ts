import { BadRequestException } from '@nestjs/common';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor';

describe('history cursor', () => {
  it('round-trips a position', () => {
    const at = { occurredAt: '2026-12-05T12:00:00.123Z', seq: '42' };
    expect(decodeHistoryCursor(encodeHistoryCursor(at))).toEqual(at);
  });

  it.each([
    '',
    'bm9wZQ',
    Buffer.from('2026-12-05T12:00:00Z|0').toString('base64url'),
    Buffer.from('yesterday|4').toString('base64url'),
    Buffer.from('2026-12-05T12:00:00Z|4|5').toString('base64url'),
  ])('refuses a cursor it did not make: %p', (cursor) =>
    expect(() => decodeHistoryCursor(cursor)).toThrow(BadRequestException),
  );
});
