import fc from 'fast-check';

/** Characters that break naive handling: NUL and other controls, lone surrogates, separators, RTL. */
const SHARP = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u202e',
  '\u2028',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '/',
  '\\',
  '%',
  '?',
  '#',
  '&',
  '=',
  '.',
  ' ',
  '"',
  "'",
  '<',
  '{',
  '$',
  ';',
  '*',
];

/**
 * One character from the whole of Unicode (any code point, control characters included), with
 * the sharp ones above and the characters of valid identifiers made likely, so generated text is
 * often almost valid, which is where validation goes wrong.
 */
export const unicodeChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SHARP) },
  { weight: 2, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-') },
  { weight: 1, arbitrary: fc.constantFrom(...'ABCZÉßİıﬁ١２') },
);

export const unicodeText = (maxLength = 40): fc.Arbitrary<string> =>
  fc.string({ unit: unicodeChar, maxLength });

/** What the server decodes from the UTF-8 the fuzzer sends (a lone surrogate becomes U+FFFD). */
export const asSent = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

/**
 * Percent-encodes every byte of the text's UTF-8 but unreserved ones, or (raw) only the bytes
 * that would move it out of its place in the request target: the rest, controls and non-ASCII
 * included, goes on the wire as it is.
 */
export function encodeForTarget(text: string, raw: boolean): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out: number[] = [];
  for (const byte of bytes) {
    const unreserved = /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte));
    const structural =
      '/?#%&=+ '.includes(String.fromCharCode(byte)) || byte === 0x0d || byte === 0x0a;
    if (unreserved || (raw && !structural)) out.push(byte);
    else out.push(...Buffer.from(`%${byte.toString(16).toUpperCase().padStart(2, '0')}`));
  }
  return Buffer.from(out);
}
