/**
 * patches/kafkajs+2.2.4.patch: a header whose name is an Object.prototype member ("toString",
 * "constructor") must decode as that header's value. Upstream takes it for a repeated header and
 * yields [function, value], which a dead-letter publisher cannot send again: the fuzz e2e found a
 * partition stuck forever on such a message.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0');
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder');
const Decoder = require('kafkajs/src/protocol/decoder');
/* eslint-enable @typescript-eslint/no-require-imports */

function roundTrip(headers: Record<string, string | string[]>): Record<string, unknown> {
  const encoded = encodeRecord({ key: Buffer.from('k'), value: Buffer.from('v'), headers });
  const decoder = new Decoder(encoded.buffer);
  decoder.readVarInt(); // the record's length
  return decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0' }).headers;
}

describe('kafkajs record header decoding (patched)', () => {
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'decodes a header named %s as its value',
    (name) => {
      const headers = roundTrip({ [name]: 'x', other: 'y' });
      expect(Object.prototype.hasOwnProperty.call(headers, name)).toBe(true);
      expect(Buffer.isBuffer(headers[name])).toBe(true);
      expect(String(headers[name])).toBe('x');
      expect(String(headers['other'])).toBe('y');
    },
  );

  it('still gathers a repeated header into an array of its values', () => {
    const headers = roundTrip({ toString: ['a', 'b'], seen: ['c', 'd'] });
    expect((headers['toString'] as Buffer[]).map(String)).toEqual(['a', 'b']);
    expect((headers['seen'] as Buffer[]).map(String)).toEqual(['c', 'd']);
  });
});
