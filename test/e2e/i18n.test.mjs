// Both languages of the web UI have exactly the same keys, and no string is left empty.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STRINGS } from '../../web/src/i18n.js';

test('English and Danish have the same keys', () => {
  assert.deepEqual(Object.keys(STRINGS.da).sort(), Object.keys(STRINGS.en).sort());
});

test('no UI string is empty', () => {
  for (const [lang, dict] of Object.entries(STRINGS)) {
    for (const [k, v] of Object.entries(dict)) assert.ok(typeof v === 'string' && v.trim(), `${lang} ${k}`);
  }
});

// The server says each assessment's reason as a code (src/tasks/rules.cc, the pipeline's
// reference images); the UI needs a sentence for every one, in both languages.
test('every reason code the server emits has a sentence', async () => {
  const { readFileSync } = await import('node:fs');
  const src = (p) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
  const codes = new Set();
  for (const m of src('src/tasks/rules.cc').matchAll(/Say\(r,\s*([^,]+),/g)) for (const q of m[1].matchAll(/"(\w+)"/g)) codes.add(q[1]);
  const pipeline = src('src/pipeline/pipeline.cc').match(/reason_code =([^;]+);/);
  for (const q of pipeline[1].matchAll(/"(\w+)"/g)) codes.add(q[1]);
  assert.ok(codes.size >= 20, `found ${[...codes]}`);
  for (const c of codes) for (const lang of ['en', 'da']) assert.ok(STRINGS[lang][`reason.${c}`], `${lang}: reason.${c}`);
});
