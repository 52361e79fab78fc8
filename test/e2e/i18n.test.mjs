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

// The server's common error sentences are said in Danish (web/src/server_text.js); each entry is
// checked against a sentence the server really writes, and an unknown one stays as it is.
test('the server sentences a form meets most are said in Danish', async () => {
  const { readFileSync } = await import('node:fs');
  const { danishDetail } = await import('../../web/src/server_text.js');
  const src = (p) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
  const cases = [
    ['must be an object', 'skal være et objekt', 'src/tasks/task_json.cc'],
    ['required field is missing', 'skal udfyldes', 'src/core/json_util.cc'],
    ['must be 1..365', 'skal være mellem 1 og 365', 'src/tasks/task_json.cc'],
    ['must be 0 (keep) .. 36500 days', null, null],
    ['must be 1..86400 s', 'skal være mellem 1 og 86400 s', null],
    ['must be at most 200 bytes', 'må højst være 200 bytes', null],
    ['must be 3 to 200 characters', 'skal være 3 til 200 tegn', 'src/server/api/subject_requests.cc'],
    ['must be an RFC 3339 time', 'skal være et tidspunkt (RFC 3339, fx 2026-12-07T10:00:00Z)', 'src/server/api/subject_requests.cc'],
    ['must be a day (YYYY-MM-DD) or an RFC 3339 time', 'skal være en dag (ÅÅÅÅ-MM-DD) eller et tidspunkt (RFC 3339)', 'src/server/api/api_util.cc'],
    ['must not be before `from`', 'må ikke ligge før «from»', 'src/server/api/subject_requests.cc'],
    ['must be open, in_progress, handled or dismissed', 'skal være open, in_progress, handled eller dismissed', 'src/server/api/cases.cc'],
    ["not an e-mail address: 'anna'", 'ikke en e-mailadresse: «anna»', null],
    ['"unvisited" needs revisit_days: how often the site should be seen', '«stedet ikke besøgt i tide» kræver, at «besøg mindst hver» er udfyldt', null],
    [
      "no configured recognition service recognises 'container' for internal data (served: person, vehicle; see GET /api/v1/capabilities)",
      'ingen konfigureret genkendelsestjeneste kan genkende «container» for internal data (kan: person, vehicle; se GET /api/v1/capabilities)',
      null,
    ],
    ['the case system is down', null, null],
  ];
  for (const [en, da, file] of cases) {
    assert.equal(danishDetail(en), da, en);
    if (file) assert.ok(src(file).includes(`"${en}"`), `${file} no longer says "${en}"`);
  }
});
