import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { createCampaign, FactoryCampaign } from '../factories/campaign.factory';
import { startApp, TestApp } from '../setup/app';

/** A raw GET (node:http, which neither asks for nor undoes compression by itself): status, headers, the bytes as sent. */
function get(base: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compression of text answers and hashed static files', () => {
  describe('COMPRESSION=on (the default)', () => {
    let t: TestApp;
    let c: FactoryCampaign;
    beforeAll(async () => {
      t = await startApp();
      c = await createCampaign(t.dataSource, { documents: 2, generalQuestions: true });
    });
    afterAll(() => t.close());

    it('HTML goes out as brotli or gzip as the client asks, and as is to a client that asks for neither', async () => {
      const plain = await get(t.url, `/c/${c.slug}`);
      expect([plain.status, plain.headers['content-encoding']]).toEqual([200, undefined]);
      expect(plain.body.toString('utf8')).toContain(c.title);
      const br = await get(t.url, `/c/${c.slug}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect([br.status, br.headers['content-encoding'], br.headers.vary]).toEqual([200, 'br', 'accept-encoding']);
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      const gz = await get(t.url, `/c/${c.slug}`, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
      // a client refusing every coding gets it as is
      expect((await get(t.url, `/c/${c.slug}`, { 'accept-encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
    });

    it('the blank questionnaire goes out as gzip made once around the key slot, the same page as uncompressed', async () => {
      const plain = await get(t.url, `/c/${c.slug}/form`);
      expect([plain.status, plain.headers['content-encoding'], plain.headers.vary]).toEqual([200, undefined, 'accept-encoding']);
      const html = plain.body.toString('utf8');
      expect(html).toContain(`Анкета: ${c.title}`);
      const withoutKey = (page: string) => page.replace(/name="key" value="[0-9a-f-]{36}"/, '');
      for (const accepted of ['gzip', 'gzip, deflate, br']) {
        const gz = await get(t.url, `/c/${c.slug}/form`, { 'accept-encoding': accepted });
        expect([gz.status, gz.headers['content-encoding'], gz.headers.vary]).toEqual([200, 'gzip', 'accept-encoding']);
        const unpacked = gunzipSync(gz.body).toString('utf8');
        expect(withoutKey(unpacked)).toBe(withoutKey(html));
        expect(/name="key" value="([^"]+)"/.exec(unpacked)![1]).not.toBe(/name="key" value="([^"]+)"/.exec(html)![1]);
        expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
        expect(gz.body.length).toBeLessThan(plain.body.length / 3);
      }
    });

    it('JSON of the API is compressed too; answers under 1 KB are not', async () => {
      const json = await get(t.url, `/api/v1/public/campaigns/${c.slug}`, { 'accept-encoding': 'br' });
      expect(json.headers['content-encoding']).toBe('br');
      expect(JSON.parse(brotliDecompressSync(json.body).toString('utf8')).title).toBe(c.title);
      const small = await get(t.url, `/api/v1/public/campaigns/no-such-campaign`, { 'accept-encoding': 'br' });
      expect([small.status, small.headers['content-encoding']]).toEqual([404, undefined]);
      expect(small.body.length).toBeLessThan(1024);
      expect(JSON.parse(small.body.toString('utf8')).statusCode).toBe(404);
    });

    it('the layout links hashed static files, served precompressed with a year-long immutable cache', async () => {
      const html = (await get(t.url, `/c/${c.slug}/form`)).body.toString('utf8');
      const css = /<link rel="stylesheet" href="(\/static\/site\.[0-9a-f]{12}\.css)">/.exec(html)![1];
      const js = /<script src="(\/static\/questionnaire\.[0-9a-f]{12}\.js)" defer><\/script>/.exec(html)![1];
      const bare = await get(t.url, '/static/questionnaire.js');
      for (const [url, type] of [
        [css, 'text/css; charset=utf-8'],
        [js, 'text/javascript; charset=utf-8'],
      ]) {
        const res = await get(t.url, url, { 'accept-encoding': 'br, gzip' });
        expect([res.status, res.headers['content-type'], res.headers['content-encoding'], res.headers['cache-control']]).toEqual([
          200,
          type,
          'br',
          'public, max-age=31536000, immutable',
        ]);
        const etag = String(res.headers.etag);
        expect((await get(t.url, url, { 'if-none-match': etag })).status).toBe(304);
        const gz = await get(t.url, url, { 'accept-encoding': 'gzip' });
        expect(gz.headers['content-encoding']).toBe('gzip');
        const identity = await get(t.url, url);
        expect(identity.headers['content-encoding']).toBeUndefined();
        expect(brotliDecompressSync(res.body).equals(identity.body)).toBe(true);
        expect(gunzipSync(gz.body).equals(identity.body)).toBe(true);
      }
      // the unhashed name still works, with a short cache
      expect([bare.status, bare.headers['cache-control']]).toEqual([200, 'public, max-age=300']);
      expect(bare.body.equals((await get(t.url, js)).body)).toBe(true);
    });
  });

  describe('COMPRESSION=off (left to a reverse proxy)', () => {
    let t: TestApp;
    let c: FactoryCampaign;
    beforeAll(async () => {
      process.env.COMPRESSION = 'off';
      try {
        t = await startApp();
      } finally {
        delete process.env.COMPRESSION;
      }
      c = await createCampaign(t.dataSource, { documents: 2 });
    });
    afterAll(() => t.close());

    it('nothing dynamic is compressed whatever the client accepts', async () => {
      const page = await get(t.url, `/c/${c.slug}/form`, { 'accept-encoding': 'br, gzip' });
      expect([page.status, page.headers['content-encoding']]).toEqual([200, undefined]);
      expect(page.body.toString('utf8')).toContain(`Анкета: ${c.title}`);
      const json = await get(t.url, `/api/v1/public/campaigns/${c.slug}`, { 'accept-encoding': 'br, gzip' });
      expect([json.status, json.headers['content-encoding']]).toEqual([200, undefined]);
      expect(JSON.parse(json.body.toString('utf8')).title).toBe(c.title);
    });
  });
});
