import { InvalidArgumentError } from 'commander';
import { duration, integerIn, keyValue, list } from './option-parsers';

describe('option parsers', () => {
  it('takes whole numbers in range only', () => {
    expect(integerIn(1, 10)('7')).toBe(7);
    for (const bad of ['0', '11', '2.5', '-1', 'x', ''])
      expect(() => integerIn(1, 10)(bad)).toThrow(InvalidArgumentError);
  });

  it('collects key=value pairs and refuses a pair without a key', () => {
    expect(keyValue('b=2=3', keyValue('a=1'))).toEqual({ a: '1', b: '2=3' });
    expect(() => keyValue('=1')).toThrow(InvalidArgumentError);
    expect(() => keyValue('a')).toThrow(InvalidArgumentError);
  });

  it('reads durations in seconds, minutes, hours or days, within the bound', () => {
    const ttl = duration(86_400);
    expect([ttl('90'), ttl('90s'), ttl('30m'), ttl('12h'), ttl('1d')]).toEqual([
      90, 90, 1_800, 43_200, 86_400,
    ]);
    for (const bad of ['0', '0d', '2d', '86401', '1w', '1.5h', '-1', 'd', ''])
      expect(() => ttl(bad)).toThrow(InvalidArgumentError);
  });

  it('splits lists on commas', () => {
    expect(list(' a, b,,c ')).toEqual(['a', 'b', 'c']);
  });
});
