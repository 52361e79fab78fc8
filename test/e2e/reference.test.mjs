// A task that compares with a reference image: two passes of a vehicle, the later image opened in
// the review page, its region of interest drawn on the reference, and an inspector marking it as
// the task's reference (the server then names who marked it).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requirements, runAgent, startBrowser, startServer, writeDrive } from './harness.mjs';

const STREET = '/usr/share/doc/opencv-doc/examples/data/leuvenA.jpg';
const CENTRE = [55.6761, 12.5683];
const ROI = { x: 0.1, y: 0.5, w: 0.4, h: 0.3 };

describe('reference image of a before/after task', { timeout: 110_000 }, () => {
  let server;
  let browser;
  let page;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `missing: ${missing.join(', ')} (run scripts/e2e.sh)`);
    server = await startServer();
    browser = await startBrowser(server.url);
    page = browser.page;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('an inspector marks a later image as the reference; the region is drawn on it', async () => {
    const d = 0.0004;
    const [lat, lon] = CENTRE;
    const task = await server.api('POST', '/api/v1/tasks', {
      title: 'Square before/after the market',
      kind: 'before_after',
      targets: [{ label: 'change', min_confidence: 0.5 }],
      area: { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] },
      schedule: { valid_from: new Date(Date.now() - 86400e3).toISOString(), valid_to: new Date(Date.now() + 7 * 86400e3).toISOString(), time_zone: 'Europe/Copenhagen' },
      rule: { change_threshold: 0.05, roi: ROI },
      retention: { evidence_days: 7 },
    });
    await server.api('POST', `/api/v1/tasks/${task.id}/activate`, {});
    const vehicle = await server.api('POST', '/api/v1/vehicles', { name: 'e2e-sweeper', kind: 'sweeper', lane: 'roadway' });
    const { token } = await server.api('POST', `/api/v1/vehicles/${vehicle.id}/token`, {});
    // Two passes, a few seconds apart: the first image becomes the reference.
    const scratch = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-ref-'));
    for (const pass of ['a', 'b']) {
      await runAgent(server.url, token, writeDrive(join(scratch, pass), CENTRE, STREET), join(scratch, `agent-${pass}`));
      await new Promise((r) => setTimeout(r, 1100));
    }
    let list = [];
    for (let i = 0; i < 300 && list.length < 2; i += 1) {
      list = (await server.api('GET', `/api/v1/assessments?task_id=${task.id}`)).assessments;
      if (list.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(list.length, 2, 'both passes assessed');
    const details = await Promise.all(list.map((a) => server.api('GET', `/api/v1/assessments/${a.id}`)));
    const later = details.find((a) => a.reference_observation_id);
    assert.ok(later, 'the later pass was compared with the first');

    await page.goto('/');
    await page.getByLabel('Access token').fill(server.token);
    await page.getByRole('button', { name: 'Use the token' }).click();
    await page.getByRole('heading', { name: 'Tasks', exact: true }).waitFor();
    await page.goto(`/#/findings/${later.id}`);
    await page.getByRole('radio', { name: 'finding review' }).check();
    await page.getByRole('button', { name: 'Open the images' }).click();
    await page.locator('#reference-state').filter({ hasText: "The reference is the task's first kept image." }).waitFor();
    // The reference is shown beside the image with the task's region of interest on it.
    const roi = page.locator('#evidence-reference rect.roi');
    await roi.waitFor();
    // leuvenA.jpg is 751 px wide.
    assert.ok(Math.abs(Number(await roi.getAttribute('x')) - ROI.x * 751) < 0.01);
    await page.getByRole('button', { name: 'Use this image as the reference' }).click();
    await page.locator('#reference-state').filter({ hasText: 'This image is the reference.' }).waitFor();
    assert.match(await page.locator('#reference-state').innerText(), /marked by e2e-admin/);
    assert.equal(await page.getByRole('button', { name: 'Use this image as the reference' }).isVisible(), false);
    const ref = await server.api('GET', `/api/v1/tasks/${task.id}/reference`);
    assert.equal(ref.source, 'marked');
    assert.equal(ref.observation_id, later.observation_id);
    await browser.shot('finding-reference-marked');
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });
});
