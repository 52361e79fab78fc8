// The data protection officer's daily work in a real browser, against a real server and vehicle
// agent: who opened an image (from the retention queue), the audit log filtered and exported as
// CSV, and a data subject's request — search one place and time, export, erase — after which the
// audit chain still verifies and the observation has no image and no position.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requirements, seedFinding, startBrowser, startServer } from './harness.mjs';

const SITE = [55.6761, 12.5683];

function localInput(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

describe('the DPO: image views, audit log, data subjects', { timeout: 110_000 }, () => {
  let server;
  let browser;
  let page;
  let scratch;
  let observationId;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `missing: ${missing.join(', ')} (run scripts/e2e.sh)`);
    scratch = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-dpo-'));
    server = await startServer();
    await seedFinding(server, scratch, SITE);
    for (let i = 0; i < 300 && !observationId; i++) {
      const { images } = await server.api('GET', '/api/v1/retention?limit=10');
      const kept = images.find((x) => x.reason === 'finding');
      if (kept) observationId = kept.observation_id;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(observationId, 'a finding keeps its image');
    // An inspector opens the image for a stated purpose: the DPO must see it.
    const inspector = server.createToken('inspector', 'ivan');
    const view = await fetch(`${server.url}/api/v1/observations/${observationId}/image?purpose=checking%20the%20square`, { headers: { Authorization: `Bearer ${inspector}` } });
    assert.equal(view.status, 200);
    browser = await startBrowser(server.url);
    page = browser.page;
    await page.goto('/');
    await page.getByLabel('Access token').fill(server.createToken('dpo', 'dora'));
    await page.getByRole('button', { name: 'Use the token' }).click();
    await page.getByRole('heading', { name: 'Privacy', exact: true }).waitFor();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  function assertNoConsoleErrors() {
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
    assert.deepEqual(browser.offsite, [], 'requests that left the test server');
  }

  it('sees who opened an image, from the retention queue', async () => {
    const row = page.locator(`#retention-table tr[data-observation-id="${observationId}"]`);
    await row.locator('button[data-views]').click();
    const entry = row.locator('.audit-entry').filter({ hasText: 'viewed the image' });
    await entry.waitFor();
    assert.match(await entry.innerText(), /ivan \(inspector\) · viewed the image · checking the square/);
    assert.match(await page.locator('#location-retention').innerText(), /90/);
    await browser.shot('dpo-01-privacy');
    assertNoConsoleErrors();
  });

  it('states the processing record\'s facts, which survive a reload and go into the document', async () => {
    const absence = page.locator('#processing-record section.purpose[data-purpose="absence"]');
    assert.match(await absence.innerText(), /Legal basis\s+not stated yet/);
    assert.match(await absence.innerText(), /tasks: 1; observations: \d+/);
    await page.locator('#record-edit').click();
    await page.getByLabel('Controller', { exact: true }).fill('Københavns Kommune, Teknik- og Miljøforvaltningen');
    await page.locator('[data-field="absence.legal_basis"] textarea').fill('GDPR art. 6(1)(e): vejloven § 80');
    await page.locator('#record-save').click();
    await page.locator('#record-saved').waitFor();
    await page.reload();
    await absence.filter({ hasText: 'vejloven § 80' }).waitFor();
    assert.match(await page.locator('#record-version').innerText(), /Stated by dora, .* \(version 1\)/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#record-download').click()]);
    const doc = readFileSync(await download.path(), 'utf8');
    assert.match(doc, /^<!doctype html>/);
    assert.match(doc, /Københavns Kommune, Teknik- og Miljøforvaltningen/);
    assert.match(doc, /vejloven § 80/);
    assert.doesNotMatch(doc, /<button|<script/);
    const { events } = await server.api('GET', '/api/v1/audit?action=record.change');
    assert.equal(events.length, 1);
    assertNoConsoleErrors();
  });

  it('filters the audit log and exports what it shows as CSV', async () => {
    await page.locator('#audit-action').fill('image.view');
    await page.locator('#audit-filters button[type=submit]').click();
    await page.locator('#audit-entries').getByText('1 entries, the newest first').waitFor();
    assert.deepEqual(await page.locator('#audit-entries tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action)), ['image.view']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#audit-csv').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /^seq,at,user,role,action,object_type,object_id,purpose,details,hash\r\n/);
    assert.match(csv, new RegExp(`ivan,inspector,image\\.view,image,${observationId},checking the square`));
    assert.equal(csv.trim().split('\r\n').length, 2);
    assertNoConsoleErrors();
  });

  it('answers a data subject: search one place and time, export, erase; the chain still verifies', async () => {
    await page.getByRole('link', { name: 'Data subjects' }).click();
    await page.getByRole('heading', { name: "A data subject's request" }).waitFor();
    await page.getByLabel('Reference (case number)').fill('DSR-2026-0042');
    await page.getByLabel('Latitude').fill(String(SITE[0]));
    await page.getByLabel('Longitude').fill(String(SITE[1]));
    await page.getByLabel('Radius (m)').fill('150');
    await page.getByLabel('From', { exact: true }).fill(localInput(Date.now() - 3600e3));
    await page.getByLabel('To', { exact: true }).fill(localInput(Date.now() + 3600e3));
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`#subject-table tr[data-observation-id="${observationId}"]`);
    await row.waitFor();
    const found = await page.locator('#subject-table tbody tr').count();
    assert.ok(found >= 1);
    await browser.shot('dpo-02-subject-search');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export (zip)' }).click()]);
    assert.equal(download.suggestedFilename(), 'subject-request-DSR-2026-0042.zip');
    assert.equal(readFileSync(await download.path()).subarray(0, 2).toString(), 'PK');

    assert.equal(await page.locator('#subject-erase').isDisabled(), true, 'erasing needs the confirmation');
    await page.getByLabel('I have checked the request: erase these observations').check();
    await page.locator('#subject-erase').click();
    await page.locator('#subject-erased').waitFor();
    assert.match(await page.locator('#subject-erased').innerText(), new RegExp(`Erased: ${found}\\. Kept \\(legal hold\\): 0`));
    await page.getByText('No observation was taken there in that time.').waitFor();
    await browser.shot('dpo-03-subject-erased');

    const obs = await server.api('GET', `/api/v1/observations/${observationId}`);
    assert.equal(obs.has_image, false);
    assert.equal(obs.lat, null);
    assert.ok(obs.location_erased_at);
    const verify = await server.api('POST', '/api/v1/audit/verify');
    assert.equal(verify.ok, true);
    const { events } = await server.api('GET', '/api/v1/audit?object_id=DSR-2026-0042');
    assert.deepEqual(events.map((e) => e.action), ['subject.search', 'subject.export', 'subject.erase', 'subject.search']);
    assertNoConsoleErrors();
  });

  it('reads the pilot evaluation, each figure with how it is computed, and downloads it as CSV', async () => {
    await page.getByRole('link', { name: 'Evaluation' }).click();
    await page.getByRole('heading', { name: 'Pilot evaluation' }).waitFor();
    const all = page.locator('#evaluation section[data-unit="*"]');
    const taken = all.locator('tr[data-figure="images_taken"]');
    await taken.waitFor();
    assert.match(await taken.innerText(), /Images taken\s+[1-9]\d*\s+Observations captured in the period/);
    assert.match(await all.locator('tr[data-figure="driving_saved_km"] td.num').innerText(), /—/);
    await page.getByLabel('Depot for driving estimates (lat,lon)').fill('55.6644,12.5783');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await all.locator('tr[data-figure="driving_saved_km"] td.num').filter({ hasText: /km/ }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#eval-csv').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /^unit,figure,value,measure,how\r\n/);
    assert.match(csv, /\*,images_taken,[1-9]/);
    await browser.shot('dpo-04-evaluation');
    assertNoConsoleErrors();
  });

  it('shows the request page in Danish', async () => {
    await page.getByRole('link', { name: 'Data subjects' }).click();
    await page.getByRole('heading', { name: "A data subject's request" }).waitFor();
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: 'Anmodning fra en registreret' }).waitFor();
    assert.ok(await page.getByLabel('Reference (sagsnummer)').isVisible());
    // The server's refusal is said in Danish: its kind, the field it names and its sentence.
    browser.allowFailing([/\/api\/v1\/subject-requests\/search$/]);
    await page.getByLabel('Reference (sagsnummer)').fill('SAG-2026-0042');
    await page.locator('input[data-field="to"]').fill('2020-01-01T00:00');
    await page.locator('#subject-search').click();
    const refusal = page.locator('#main p.error[role="alert"]:not([hidden])');
    await refusal.waitFor();
    assert.equal(await refusal.innerText(), 'Ugyldigt input i feltet «to»: må ikke ligge før «from»');
    browser.allowFailing([]);
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: "A data subject's request" }).waitFor();
    assertNoConsoleErrors();
  });
});
