import { computeSecurityHeaders } from './security-headers';

describe('security headers (helmet, computed once)', () => {
  it('has the CSP of the pages and helmet defaults', () => {
    const h = computeSecurityHeaders();
    expect(h['content-security-policy']).toBe(
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline'",
    );
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('SAMEORIGIN');
    expect(h['referrer-policy']).toBe('same-origin');
    expect(h['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(h['x-powered-by']).toBeUndefined();
  });
});
