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
