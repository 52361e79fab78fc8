// The task editor keeps every task kind's rule: a task of each kind created through the API,
// opened in the editor and saved again is stored exactly as before; a sign-text task made in
// the editor gets the text target and its rule fields; each kind shows only its own fields. A
// corridor stays editable; offline, the city's base map is drawn and its names are searchable.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requirements, startBrowser, startServer } from './harness.mjs';

const LON = 12.5683;
const LAT = 55.6761;
const square = (d) => ({
  type: 'Polygon',
  coordinates: [[[LON - d, LAT - d], [LON + d, LAT - d], [LON + d, LAT + d], [LON - d, LAT + d], [LON - d, LAT - d]]],
});

// Whole minutes: the editor's date fields have minute precision.
const minute = (ms) => new Date(Math.floor(ms / 60e3) * 60e3).toISOString().replace(/\.\d+Z$/, 'Z');
function schedule() {
  return {
    valid_from: minute(Date.now() - 3600e3),
    valid_to: minute(Date.now() + 10 * 86400e3),
    time_zone: 'Europe/Copenhagen',
    min_interval_s: 120,
    windows: [{ weekday: 1, start: '07:00', end: '15:30' }],
  };
}

// One task per kind, each with non-default rule values, so a dropped field shows.
const TASKS = [
  // A site nobody visits triggers actions too ("unvisited", with revisit_days).
  { kind: 'presence', targets: [{ label: 'traffic_sign', min_confidence: 0.55 }], area: { type: 'Point', coordinates: [LON, LAT], radius_m: 25 }, revisit_days: 3, actions: [{ type: 'log', on: ['finding', 'unvisited'] }, { type: 'email', on: ['unvisited'], to: ['vej@kk.dk'], language: 'da' }] },
  { kind: 'absence', targets: [{ label: 'vehicle', min_confidence: 0.7 }], area: square(0.0004) },
  { kind: 'count', targets: [{ label: 'vehicle', min_confidence: 0.4 }], area: square(0.0005), rule: { min_count: 2, max_count: 6, min_box_height_px: 40 } },
  { kind: 'condition', targets: [{ label: 'pothole', min_confidence: 0.35 }, { label: 'road_crack', min_confidence: 0.45 }], area: { type: 'LineString', coordinates: [[LON - 0.001, LAT], [LON + 0.001, LAT]], buffer_m: 12 } },
  { kind: 'text', targets: [{ label: 'text', min_confidence: 0.5 }], area: square(0.0003), rule: { expected_text: 'Bageriet Æblegrød', min_similarity: 0.65 } },
  { kind: 'before_after', targets: [{ label: 'change', min_confidence: 0.5 }], area: square(0.0003), rule: { change_threshold: 0.12, roi: { x: 0.1, y: 0.45, w: 0.5, h: 0.3 } } },
  { kind: 'condition', targets: [{ label: 'change', min_confidence: 0.5 }], area: square(0.0003), rule: { change_threshold: 0.25, roi: { x: 0.125, y: 0.2, w: 0.1, h: 0.15 } } },
  { kind: 'permit_check', targets: [{ label: 'change', min_confidence: 0.5 }], area: square(0.0003), rule: { change_threshold: 0.08, permit_distance_m: 55, permit_kind: 'container' } },
];

// The stored task without what a save changes by design.
function comparable(task) {
  const { revision, updated_at: updatedAt, ...rest } = task;
  return rest;
}

describe('task editor keeps every kind', { timeout: 110_000 }, () => {
  let server;
  let browser;
  let page;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `missing: ${missing.join(', ')} (run scripts/e2e.sh)`);
    // An SMTP server is configured (never reached here) so e-mail and contractor actions are
    // accepted.
    server = await startServer({ config: { smtp: { url: 'smtp://127.0.0.1:9', from: 'tilsyn@kk.dk', tls: 'none' } } });
    browser = await startBrowser(server.url);
    page = browser.page;
    await page.goto('/');
    await page.getByLabel('Access token').fill(server.token);
    await page.getByRole('button', { name: 'Use the token' }).click();
    await page.getByRole('heading', { name: 'Tasks', exact: true }).waitFor();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  // Opens a task in the editor and waits until the editor shows that task (a hash change does
  // not reload the page, so the previous task's form may still be there for a moment).
  async function open(id, title) {
    await page.goto(`/#/tasks/${id}`);
    for (let i = 0; i < 100; i += 1) {
      if ((await page.locator('input[data-field="title"]').inputValue().catch(() => '')) === title) return;
      await page.waitForTimeout(100);
    }
    const seen = await page.evaluate(() => `${location.hash} h1=${document.querySelector('h1')?.textContent} titles=${[...document.querySelectorAll('input[data-field="title"]')].map((i) => i.value)}`);
    throw new Error(`the editor did not show task ${id}: ${seen}`);
  }

  // Clicks Save and waits until the editor is done with it (the answer handled, the page
  // re-rendered), so the test's next navigation cannot race the editor's own.
  async function save(id) {
    const answer = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/api/v1/tasks/${id}`));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const res = await answer;
    assert.equal(res.status(), 200, await res.text());
    await page.locator('#save-task:enabled').waitFor();
    return server.api('GET', `/api/v1/tasks/${id}`);
  }

  async function openAndSave(id, title) {
    await open(id, title);
    return save(id);
  }

  it('re-saves a task of each kind unchanged', async () => {
    for (const spec of TASKS) {
      const created = await server.api('POST', '/api/v1/tasks', {
        title: `Round trip ${spec.kind}`,
        unit: 'TMF',
        data_class: 'internal',
        schedule: schedule(),
        actions: [{ type: 'log', on: ['finding', 'inconclusive'] }],
        retention: { evidence_days: 14, keep_non_findings: true, legal_hold: false },
        heading_deg: 90,
        heading_tolerance_deg: 40,
        max_speed_kmh: 30,
        ...spec,
      });
      const original = await server.api('GET', `/api/v1/tasks/${created.id}`);
      // The editor shows the kind and only that kind's rule fields.
      await open(created.id, original.title);
      assert.equal(await page.getByLabel('Kind', { exact: true }).inputValue(), spec.kind);
      const visible = await page.locator('section:has(#sec-rule) div.field[data-field^="rule."]:visible').evaluateAll((els) => [...new Set(els.map((e) => e.dataset.field))]);
      // Tasks that compare with a reference also offer the region of interest (optional).
      const compares = 'change_threshold' in original.rule;
      const expectFields = [...new Set([...Object.keys(original.rule), ...(compares ? ['roi'] : [])])].filter((k) => !(spec.kind !== 'count' && ['min_count', 'min_box_height_px'].includes(k)));
      assert.deepEqual(visible.map((f) => f.replace('rule.', '')).sort(), expectFields.sort(), `${spec.kind}: rule fields shown`);
      const saved = await openAndSave(created.id, original.title);
      assert.deepEqual(comparable(saved), comparable(original), `${spec.kind}: stored task changed by re-saving`);
    }
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });

  it('re-saves every action type and the contractor unchanged', async () => {
    const created = await server.api('POST', '/api/v1/tasks', {
      title: 'Round trip actions',
      kind: 'presence',
      targets: [{ label: 'vehicle', min_confidence: 0.5 }],
      area: square(0.0003),
      schedule: schedule(),
      contractor: { name: 'Vejfirmaet A/S', email: 'drift@vejfirmaet.dk', deadline_days: 9, language: 'en' },
      actions: [
        { type: 'log', on: ['ok'] },
        { type: 'webhook', on: ['finding'], url: 'https://hooks.example.dk/tilsyn', secret: 's3cret', format: 'plain' },
        { type: 'email', on: ['finding', 'inconclusive'], to: ['a@kk.dk', 'b@kk.dk'], language: 'en' },
        { type: 'open311', on: ['finding'], url: 'https://sager.example.dk/open311/v2', service_code: 'container', api_key: 'k-1', jurisdiction_id: 'kk.dk' },
        { type: 'contractor', on: ['finding'] },
      ],
    });
    const original = await server.api('GET', `/api/v1/tasks/${created.id}`);
    const saved = await openAndSave(created.id, original.title);
    assert.deepEqual(comparable(saved), comparable(original), 'stored task changed by re-saving');
    assert.equal(saved.actions[1].has_secret, true, 'the webhook secret is kept');
    assert.equal(saved.actions[3].has_api_key, true, 'the Open311 key is kept');
    // "Site not visited in time" is offered for every action but the contractor's.
    const unvisited = (i) => page.locator(`fieldset[data-field="actions[${i}].on"] label`, { hasText: 'site not visited in time' });
    assert.equal(await unvisited(0).isVisible(), true);
    assert.equal(await unvisited(4).isVisible(), false);
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });

  it('flags an active task whose site nobody visits, with the reason', async () => {
    const created = await server.api('POST', '/api/v1/tasks', {
      title: 'Lonely bench',
      kind: 'presence',
      targets: [{ label: 'vehicle', min_confidence: 0.5 }],
      area: square(0.0002),
      schedule: { ...schedule(), valid_from: minute(Date.now() - 3 * 86400e3) },
      revisit_days: 1,
    });
    await server.api('POST', `/api/v1/tasks/${created.id}/activate`, {});
    await page.goto('/#/tasks');
    const badge = page.locator(`tr[data-task-id="${created.id}"] .badge.overdue`);
    await badge.waitFor();
    assert.match(await badge.innerText(), /not visited: not analysed/);
    assert.match(await page.locator('#overdue-summary').innerText(), /: 1$/);
    await browser.shot('tasks-overdue');
    // The coverage page's dashboard lists it with the reason; "Show coverage" selects it.
    await page.goto('/#/coverage');
    const row = page.locator(`#unvisited tr[data-task-id="${created.id}"]`);
    await row.waitFor();
    assert.match(await page.locator('#unvisited-title').innerText(), /^Sites nobody visits: 1$/);
    assert.match(await row.innerText(), /none yet[\s\S]*not analysed/);
    await row.getByRole('button', { name: 'Show coverage' }).click();
    assert.equal(await page.getByLabel('Task', { exact: true }).inputValue(), created.id);
    await browser.shot('coverage-unvisited');
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });

  it("edits a corridor after drawing: a vertex of its line and its width", async () => {
    const created = await server.api('POST', '/api/v1/tasks', {
      title: 'Corridor edit',
      kind: 'condition',
      targets: [{ label: 'pothole', min_confidence: 0.35 }],
      area: { type: 'LineString', coordinates: [[LON - 0.001, LAT], [LON, LAT + 0.0002], [LON + 0.001, LAT]], buffer_m: 12 },
      schedule: schedule(),
    });
    const original = await server.api('GET', `/api/v1/tasks/${created.id}`);
    await open(created.id, original.title);
    // The line's vertex handles (geoman markers), not the outline's.
    const vertex = page.locator('#editor-map .marker-icon:not(.marker-icon-middle)').nth(1);
    await vertex.waitFor();
    const vb = await vertex.boundingBox();
    await page.mouse.move(vb.x + vb.width / 2, vb.y + vb.height / 2);
    await page.mouse.down();
    await page.mouse.move(vb.x + vb.width / 2 + 25, vb.y + vb.height / 2 + 25, { steps: 6 });
    await page.mouse.up();
    await page.getByText('Area changed. Save to keep it.').waitFor();
    await page.getByLabel('Corridor width each side (m)').fill('20');
    await page.getByLabel('Corridor width each side (m)').dispatchEvent('change');
    const saved = await save(created.id);
    assert.equal(saved.area.type, 'LineString');
    assert.equal(saved.area.buffer_m, 20);
    const before = original.area.coordinates;
    const after = saved.area.coordinates;
    assert.equal(after.length, before.length);
    const moved = after.filter((p, i) => Math.abs(p[0] - before[i][0]) > 1e-6 || Math.abs(p[1] - before[i][1]) > 1e-6);
    assert.equal(moved.length, 1, `one vertex moved: ${JSON.stringify(after)}`);
    assert.ok(after[1][1] < before[1][1], 'dragged down: south');
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });

  it('keeps completed tasks in the archive, out of the current list', async () => {
    const created = await server.api('POST', '/api/v1/tasks', { title: 'Done and archived', kind: 'presence', targets: [{ label: 'vehicle', min_confidence: 0.5 }], area: square(0.0002), schedule: schedule() });
    await server.api('POST', `/api/v1/tasks/${created.id}/activate`);
    await server.api('POST', `/api/v1/tasks/${created.id}/complete`);
    await page.goto('/#/tasks');
    await page.locator('#task-table tr[data-task-id]').first().waitFor();
    assert.equal(await page.locator(`tr[data-task-id="${created.id}"]`).count(), 0, 'not among the current tasks');
    await page.getByLabel('Status').selectOption('archived');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator(`tr[data-task-id="${created.id}"]`).waitFor();
    assert.equal(await page.locator('#task-table tr[data-task-id]').count(), 1, 'only the completed task');
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });

  it('draws the imported base map offline and finds a street by name', async () => {
    // A building where the editor opens and a named street 2 km east, out of view.
    const building = [[LON - 0.0003, LAT - 0.0002], [LON + 0.0003, LAT - 0.0002], [LON + 0.0003, LAT + 0.0002], [LON - 0.0003, LAT + 0.0002], [LON - 0.0003, LAT - 0.0002]];
    const file = join(server.dir, 'city.geojson');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { navn: 'Rådhuset' }, geometry: { type: 'Polygon', coordinates: [building] } },
          { type: 'Feature', properties: { vejnavn: 'Ørestads Boulevard' }, geometry: { type: 'LineString', coordinates: [[LON + 0.03, LAT], [LON + 0.031, LAT + 0.001]] } },
        ],
      }),
    );
    assert.match(server.cli('import', 'basemap', file, '--layer', 'city'), /imported layer city: 2 features \(2 named\)/);
    await page.goto('/#/tasks/new');
    await page.locator('#editor-map path.basemap-area').waitFor({ state: 'attached' });
    // The city's inspections without a detector are named, with what to use instead.
    await page.locator('#unserved-uses summary').click();
    assert.match(await page.locator('#unserved-uses li[data-use="container"]').innerText(), /permit-check task with the target "change"/);
    assert.equal(await page.locator('#editor-map path.basemap-line').count(), 0, 'the street is out of view');
    const search = page.getByRole('searchbox', { name: 'Find a street or place' });
    await search.fill('orestad');
    await page.getByRole('button', { name: 'Ørestads Boulevard' }).waitFor();
    await browser.shot('editor-offline-basemap-search');
    await page.getByRole('button', { name: 'Ørestads Boulevard' }).click();
    await page.locator('#editor-map path.basemap-line').waitFor({ state: 'attached' });
    assert.equal(await search.inputValue(), 'Ørestads Boulevard');
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });

  it('makes a sign-text task with its rule in the editor', async () => {
    await open('new', '');
    await page.getByLabel('Title', { exact: true }).fill('Shop sign says Bageriet');
    await page.getByLabel('Kind', { exact: true }).selectOption('text');
    // The text kind needs the recognizer's label: the editor puts it in.
    assert.equal(await page.getByLabel('Label', { exact: true }).inputValue(), 'text');
    await page.getByLabel('Expected sign text').fill('Bageriet');
    await page.getByLabel('Minimum similarity').fill('0.7');
    assert.equal(await page.getByLabel('Maximum count').isVisible(), false);
    const area = page.getByLabel('Area (GeoJSON)');
    await area.fill(JSON.stringify(square(0.0002)));
    await area.dispatchEvent('change');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/#\/tasks\/[0-9a-f-]{36}$/);
    await page.locator('#task-status').filter({ hasText: 'draft' }).waitFor();
    const id = page.url().split('#/tasks/')[1];
    const saved = await server.api('GET', `/api/v1/tasks/${id}`);
    assert.equal(saved.kind, 'text');
    assert.deepEqual(saved.targets.map((x) => x.label), ['text']);
    assert.equal(saved.rule.expected_text, 'Bageriet');
    assert.equal(saved.rule.min_similarity, 0.7);
    // Switching the kind to permit check offers its fields and the change target.
    await page.getByLabel('Kind', { exact: true }).selectOption('permit_check');
    assert.equal(await page.getByLabel('Label', { exact: true }).inputValue(), 'change');
    assert.ok(await page.getByLabel('Permit distance (m)').isVisible());
    assert.equal(await page.getByLabel('Expected sign text').isVisible(), false);
    await page.getByLabel('Permit type').fill('container');
    const changed = await save(id);
    assert.equal(changed.kind, 'permit_check');
    assert.deepEqual(changed.targets.map((x) => x.label), ['change']);
    assert.equal(changed.rule.permit_kind, 'container');
    assert.equal(changed.rule.permit_distance_m, 40);
    assert.equal(changed.rule.expected_text, undefined, 'the text rule is not carried into another kind');
    await browser.shot('editor-permit-check');
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });
});
