// The committed src/types/{analytics,alerts}-api.ts equal a fresh generation from openapi/{analytics,alerts}.json.
// @vitest-environment node
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { APIS, generate } from './gen-api-types.mjs';

describe.each(APIS)('$name-api.ts', (api) => {
  it(`is what openapi/${api.name}.json generates (run \`npm run gen:api\` after the document changes)`, async () => {
    const committed = await readFile(api.output, 'utf8');
    expect(committed).toBe(await generate(api));
  }, 30_000);
});
