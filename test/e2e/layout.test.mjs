// Every page at phone width (390 px) and desktop width (1440 px), in English and Danish: no
// element reaches past the viewport (only content inside a horizontally scrolling box may), no
// stray "null" or "undefined" is shown, and no text, label or placeholder on a Danish page is a
// catalogue key or an English catalogue string with a different Danish one (an untranslated
// text). A screenshot of each page at each
// width and language goes to the test artefacts (build/e2e-artifacts/layout-*.png).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STRINGS } from '../../web/src/i18n.js';
import { requirements, seedFinding, startBrowser, startServer } from './harness.mjs';

const SITE = [55.6761, 12.5683];
const WIDTHS = [390, 1440];

// Runs in the page: elements whose right edge lies past the viewport and that no scrolling or
// clipping box holds, as short descriptions.
function overflowing() {
  const vw = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const out = [];
  if (document.documentElement.scrollWidth > vw + 1) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.leaflet-container') && !el.classList.contains('leaflet-container')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > vw + 1 && !clipped(el)) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} right=${Math.round(r.right)}`);
  }
  return out.slice(0, 10);
}

// Runs in the page: every visible text node and label-like attribute.
function visibleTexts() {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, .leaflet-control-attribution, .mono')) continue;
    // Text marked as another language (the language switch says "English") is meant so.
    const marked = el.closest('[lang]');
    if (marked && marked !== document.documentElement && marked.lang !== document.documentElement.lang) continue;
    const text = n.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    for (const a of ['placeholder', 'aria-label', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
  }
  return out;
}

describe('every page at phone and desktop width, in English and Danish', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let page;
  let scratch;
  const pages = [];

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `missing: ${missing.join(', ')} (run scripts/e2e.sh)`);
    scratch = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-layout-'));
    server = await startServer();
    const task = await seedFinding(server, scratch, SITE, { title: 'Nobody in the closed square at Rådhuspladsen', unit: 'TMF' });
    let finding = null;
    for (let i = 0; i < 300 && !finding; i++) {
      const { assessments } = await server.api('GET', '/api/v1/assessments?outcome=finding&limit=1');
      if (assessments.length) finding = assessments[0].id;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(finding, 'the drive made a finding');
    pages.push(
      ['tasks', '#/tasks'],
      ['task-new', '#/tasks/new'],
      ['task', `#/tasks/${task.id}`],
      ['map', '#/map'],
      ['findings', '#/findings'],
      // First the question of purpose, then (another page between: a new hash) the review
      // with its image.
      ['finding-purpose', `#/findings/${finding}`, () => page.evaluate(() => sessionStorage.removeItem('tilsyn.purpose'))],
      ['services', '#/services'],
      ['finding', `#/findings/${finding}`, () => page.evaluate(() => sessionStorage.setItem('tilsyn.purpose', 'layout check'))],
      ['evaluation', '#/evaluation'],
      ['coverage', '#/coverage'],
      ['fleet', '#/fleet'],
      ['privacy', '#/privacy'],
      ['subject-requests', '#/subject-requests'],
    );
    browser = await startBrowser(server.url);
    page = browser.page;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const keys = new Set(Object.keys(STRINGS.en));
  const english = new Set(Object.keys(STRINGS.en).filter((k) => STRINGS.en[k] !== STRINGS.da[k] && STRINGS.en[k].length > 3).map((k) => STRINGS.en[k]));

  async function visit(lang, width, name, hash, before) {
    await page.setViewportSize({ width, height: 900 });
    if (before) await before();
    await page.goto(`/${hash}`);
    await page.locator('#main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(150);
    const over = await page.evaluate(overflowing);
    const problems = over.map((o) => `${name} ${width}px ${lang}: ${o}`);
    const texts = await page.evaluate(visibleTexts);
    for (const text of texts) if (/^(null|undefined|NaN|\[object Object\])$/.test(text)) problems.push(`${name} ${width}px ${lang}: a stray "${text}"`);
    if (lang === 'da') {
      for (const text of texts) {
        if (keys.has(text)) problems.push(`${name} ${width}px da: untranslated key "${text}"`);
        else if (english.has(text)) problems.push(`${name} ${width}px da: English text "${text}"`);
      }
    }
    // The assessment's reason is said in the page's language (from its code).
    if (name === 'finding') {
      const reason = await page.locator('#reason').innerText();
      const want = lang === 'da' ? /^1 person til stede, ingen forventet$/ : /^1 person present, expected none$/;
      if (!want.test(reason)) problems.push(`${name} ${width}px ${lang}: reason "${reason}"`);
    }
    await browser.shot(`layout-${name}-${width}-${lang}`);
    return problems;
  }

  it('has no overflow and no untranslated text on any page', async () => {
    const problems = [];
    for (const lang of ['en', 'da']) {
      await page.goto('/');
      await page.evaluate((l) => localStorage.setItem('tilsyn.lang', l), lang);
      for (const width of WIDTHS) problems.push(...(await visit(lang, width, 'login', '')));
      await page.getByLabel(lang === 'da' ? 'Adgangsnøgle' : 'Access token').fill(server.token);
      await page.locator('form.login-token button[type=submit]').click();
      await page.locator('#who').filter({ hasText: 'e2e-admin' }).waitFor();
      for (const width of WIDTHS) {
        for (const [name, hash, before] of pages) problems.push(...(await visit(lang, width, name, hash, before)));
      }
      await page.locator('#logout').click();
      await page.locator('form.login-token').waitFor();
      // The purpose stated in this tab (the review page above) goes with the person.
      assert.equal(await page.evaluate(() => sessionStorage.getItem('tilsyn.purpose')), null, 'purpose forgotten at logout');
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
    assert.deepEqual(browser.offsite, [], 'requests that left the test server');
  });
});
