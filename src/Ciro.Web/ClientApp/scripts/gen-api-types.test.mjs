// The committed src/types/analytics-api.ts equals a fresh generation from openapi/analytics.json.
// @vitest-environment node
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generate, OUTPUT } from './gen-api-types.mjs';

describe('analytics-api.ts', () => {
  it('is what openapi/analytics.json generates (run `npm run gen:api` after the document changes)', async () => {
    const committed = await readFile(OUTPUT, 'utf8');
    expect(committed).toBe(await generate());
  }, 30_000);
});
