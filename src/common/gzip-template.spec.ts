import fc from 'fast-check';
import { gunzipSync } from 'node:zlib';
import { GzipTemplate } from './gzip-template';

describe('GzipTemplate', () => {
  it('gives one gzip member that zlib reads back as head + slot + tail, for any texts and slots', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 3000 }),
        fc.string({ maxLength: 3000 }),
        fc.stringMatching(/^[ -~]{0,64}$/),
        (head, tail, slot) => {
          const page = new GzipTemplate(head, tail);
          expect(gunzipSync(page.render(slot)).toString('utf8')).toBe(head + slot + tail);
          expect(page.text(slot)).toBe(head + slot + tail);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('compresses a repetitive page and refuses a slot that is not short ASCII', () => {
    const page = new GzipTemplate('<p>Анкета</p>'.repeat(500), '<label>Вопрос</label>'.repeat(500));
    expect(page.render('0b7c7e0e-1111-4a4a-8888-0123456789ab').length).toBeLessThan(600);
    expect(() => page.render('ключ')).toThrow('slot must be short ASCII');
  });
});
