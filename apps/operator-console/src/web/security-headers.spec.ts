import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inlineScriptHashes, securityHeaders } from './security-headers';

const INDEX = fs.readFileSync(path.resolve(__dirname, '../../public/index.html'), 'utf8');

describe('securityHeaders', () => {
  it("allows the page's inline import map by its hash, and no other inline script or eval", () => {
    const [importMap] = [...INDEX.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)];
    const hash = createHash('sha256').update(importMap[1]).digest('base64');
    expect(inlineScriptHashes(INDEX)).toEqual([`'sha256-${hash}'`]);
    const policy = securityHeaders(INDEX)['content-security-policy'];
    expect(policy).toContain(`script-src 'self' 'sha256-${hash}';`);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it('a changed import map gets another hash (the page cannot drift from its policy)', () => {
    const changed = INDEX.replace('"preact"', '"preact "');
    expect(inlineScriptHashes(changed)).not.toEqual(inlineScriptHashes(INDEX));
  });

  it('sets the usual companions: nosniff, no framing, no referrer', () => {
    expect(securityHeaders(INDEX)).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
  });
});
