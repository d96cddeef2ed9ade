import { jsonTooDeep, MAX_JSON_DEPTH } from './json-body-parser';

describe('jsonTooDeep', () => {
  it('counts nesting of arrays and objects up to the limit', () => {
    expect(jsonTooDeep('{"a":[1,{"b":2}]}')).toBe(false);
    expect(jsonTooDeep('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTooDeep('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonTooDeep('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonTooDeep(JSON.stringify({ text: '['.repeat(500) }), 3)).toBe(false);
    expect(jsonTooDeep(JSON.stringify({ text: 'a\\"[[[[' + '"'.repeat(3) }), 2)).toBe(false);
    expect(jsonTooDeep('[[["x"]]]', 2)).toBe(true);
  });
});
