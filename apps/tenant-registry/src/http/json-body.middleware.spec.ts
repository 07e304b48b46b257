import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { JsonBodyMiddleware } from './json-body.middleware';

function request(headers: Record<string, string>, body?: unknown): Request {
  return { headers, body } as unknown as Request;
}

describe('JsonBodyMiddleware', () => {
  const middleware = new JsonBodyMiddleware();
  const run = (req: Request) => {
    const next = jest.fn();
    middleware.use(req, {} as Response, next);
    return next;
  };

  it('lets requests without a body through, whatever their content type', () => {
    expect(run(request({}))).toHaveBeenCalled();
    expect(run(request({ 'content-type': 'text/plain' }))).toHaveBeenCalled();
    expect(
      run(request({ 'content-type': 'text/plain', 'content-length': '0' })),
    ).toHaveBeenCalled();
  });

  it('lets JSON bodies through, with or without a charset', () => {
    const body = { id: 'acme', metadata: { a: ['x', 1, null] } };
    for (const type of ['application/json', 'Application/JSON; charset=utf-8']) {
      expect(
        run(request({ 'content-type': type, 'content-length': '9' }, body)),
      ).toHaveBeenCalled();
    }
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain', 'content-length': '2' }],
    [
      'application/x-www-form-urlencoded',
      { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3' },
    ],
    [
      'application/vnd.api+json',
      { 'content-type': 'application/vnd.api+json', 'content-length': '2' },
    ],
    ['untyped', { 'transfer-encoding': 'chunked' }],
  ])('refuses a %s body with 415', (type, headers) => {
    expect(() => run(request(headers, {}))).toThrow(
      new UnsupportedMediaTypeException(`request bodies must be application/json, not ${type}`),
    );
  });

  it('refuses JSON holding U+0000 in a string or a key, however deep, with 400', () => {
    const headers = { 'content-type': 'application/json', 'content-length': '9' };
    let deep: unknown = 'a\u0000b';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    for (const body of [{ displayName: 'a\u0000b' }, { metadata: { 'k\u0000': 'v' } }, deep]) {
      expect(() => run(request(headers, body))).toThrow(BadRequestException);
    }
  });
});
