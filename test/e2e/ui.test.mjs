// The web UI in a real browser, against a real server and vehicle agent: log in, the editor's
// validation at the field (nothing saved), draw a polygon task and activate it, a simulated
// drive, the finding appears, review it (image view audited when the server audits), feedback
// moves the service stats, the live map with the imported street network, coverage from an
// imported GPS history (before and after `tilsyn coverage` sees the task), the privacy page, and
// Danish. Any console error fails.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { requirements, runAgent, startBrowser, startServer, writeDrive, writeHistory, writeNetwork } from './harness.mjs';

// GET with the path sent exactly as given.
function rawStatus(base, path) {
  const u = new URL(base);
  return new Promise((res, rej) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (r) => {
      r.resume();
      res(r.statusCode);
    });
    req.on('error', rej);
    req.end();
  });
}

const PERSON = '/usr/share/darknet/data/person.jpg';
// The editor's map opens here (web/src/map.js COPENHAGEN), so the drawn task lies around it.
const COPENHAGEN = [55.6761, 12.5683];

describe('web UI end to end', { timeout: 110_000 }, () => {
  let server;
  let browser;
  let page;
  let taskId;
  let assessmentId;
  let scratch;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `missing: ${missing.join(', ')} (run scripts/e2e.sh)`);
    scratch = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-drive-'));
    // A street network and a GPS history (vehicle "bus-7" on the cycle track through the
    // centre, 2 passes a day for 3 days) imported with the real CLI before the server starts;
    // coverage computed now sees no active task yet.
    server = await startServer({
      prepare({ cli }) {
        const net = writeNetwork(scratch, COPENHAGEN);
        assert.match(cli('import', 'network', net.roads, '--kind', 'roadway'), /imported 5 segments \(5 roadway/);
        assert.match(cli('import', 'network', net.cycle, '--kind', 'cycle_track'), /network now 9 segments \(5 roadway, 4 cycle_track\)/);
        assert.match(cli('import', 'gps', writeHistory(scratch, COPENHAGEN), '--vehicle', 'bus-7'), /imported 726 fixes of 1 vehicle/);
        assert.match(cli('coverage'), /coverage: 0 site\(s\)/);
      },
    });
    browser = await startBrowser(server.url);
    page = browser.page;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  function assertNoConsoleErrors() {
    const errs = browser.errors.splice(0);
    assert.deepEqual(errs, [], "console errors");
    assert.deepEqual(browser.offsite, [], 'requests that left the test server');
  }

  it('serves the UI and refuses directory traversal', async () => {
    const index = await fetch(`${server.url}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /text\/html/);
    // Raw requests: fetch() would normalise the dots away before sending.
    for (const p of ['/assets/..%2F..%2Findex.html', '/assets/..', '/assets/../../package.json', '/assets/%2e%2e%2fvite.config.js', '/../package.json', '/assets/.%2e/.%2e/package.json']) {
      assert.equal(await rawStatus(server.url, p), 404, p);
    }
  });

  it('logs in with a token and shows the role-aware navigation', async () => {
    await page.goto('/');
    await page.getByLabel('Access token').waitFor();
    // The collector itself works (a check that cannot fail would prove nothing).
    await page.evaluate(() => console.error('e2e probe'));
    await page.waitForTimeout(50);
    assert.deepEqual(browser.errors.splice(0).map((e) => e.replace(/ @ .*/, '')), ['console: e2e probe']);
    await browser.shot('01-login');
    await page.getByLabel('Access token').fill(server.token);
    await page.getByRole('button', { name: 'Use the token' }).click();
    await page.getByRole('heading', { name: 'Tasks', exact: true }).waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#main h1').count(), 1, 'the page is rendered once');
    const nav = await page.locator('#nav').innerText();
    for (const item of ['Tasks', 'Live map', 'Findings', 'Services', 'Coverage', 'Privacy']) assert.ok(nav.includes(item), item);
    assert.match(await page.locator('#who').innerText(), /e2e-admin · administrator/);
    assertNoConsoleErrors();
  });

  // Draws a polygon by clicking corners (pixel offsets from the map centre) and the first again.
  async function drawPolygon(corners) {
    await page.getByRole('button', { name: 'Draw polygon' }).click();
    const box = await page.locator('#editor-map').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (const [dx, dy] of corners) await page.mouse.click(cx + dx, cy + dy);
    await page.mouse.click(cx + corners[0][0], cy + corners[0][1]);
    await page.getByText('Area drawn. Save to keep it.').waitFor();
  }

  async function saveExpectingError(field, message) {
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const err = page.locator(`[data-field="${field}"] > .field-error.server`);
    await err.waitFor();
    assert.match(await err.innerText(), message);
    return err;
  }

  it('shows the server\'s validation errors at the field and saves nothing', async () => {
    browser.allowFailing([/\/api\/v1\/tasks$/]);
    await page.getByRole('link', { name: 'New task' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Closed excavation must stay empty');
    await page.getByLabel('Unit', { exact: true }).fill('TMF');
    await page.getByLabel('Kind').selectOption('absence');

    // Self-intersecting polygon (a bow tie).
    await drawPolygon([[-60, -60], [60, 60], [60, -60], [-60, 60]]);
    const e1 = await saveExpectingError('area', /intersects itself/);
    assert.equal(await page.getByLabel('Area (GeoJSON)').getAttribute('aria-invalid'), 'true');
    await browser.shot('02-editor-error-self-intersection');
    assert.ok(await e1.isVisible());

    // A proper square, then no targets at all.
    await drawPolygon([[-60, -60], [60, -60], [60, 60], [-60, 60]]);
    await page.getByRole('button', { name: 'Remove target' }).click();
    await saveExpectingError('targets', /at least one target/);
    await browser.shot('03-editor-error-targets');

    // Targets back; validity ending before it starts.
    await page.getByRole('button', { name: 'Add target' }).click();
    await page.getByLabel('Label', { exact: true }).fill('person');
    const from = await page.getByLabel('Valid from').inputValue();
    const d = new Date(from);
    d.setDate(d.getDate() - 2);
    const pad = (n) => String(n).padStart(2, '0');
    await page.getByLabel('Valid until').fill(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`);
    await saveExpectingError('schedule.valid_to', /valid_to must be after valid_from/);
    assert.equal(await page.getByLabel('Valid until').getAttribute('aria-invalid'), 'true');
    await browser.shot('04-editor-error-end-before-start');

    const tasks = await server.api('GET', '/api/v1/tasks');
    assert.equal(tasks.tasks.length, 0, 'nothing may be saved');
    browser.allowFailing([]);
    assertNoConsoleErrors();
  });

  it('saves the drawn polygon task and activates it', async () => {
    const to = new Date(Date.now() + 7 * 86400e3);
    const pad = (n) => String(n).padStart(2, '0');
    await page.getByLabel('Valid until').fill(`${to.getFullYear()}-${pad(to.getMonth() + 1)}-${pad(to.getDate())}T12:00`);
    // Only served labels are offered; an unserved one is refused with the label named.
    const offered = await page.locator('datalist option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(offered.includes('person') && !offered.includes('dog'), `offered: ${offered.join(', ')}`);
    browser.allowFailing([/\/api\/v1\/tasks$/]);
    await page.getByLabel('Label', { exact: true }).fill('container');
    await saveExpectingError('targets[0].label', /'container'/);
    await browser.shot('04b-editor-error-unserved-label');
    browser.allowFailing([]);
    assert.equal((await server.api('GET', '/api/v1/tasks')).tasks.length, 0, 'nothing may be saved');
    await page.getByLabel('Label', { exact: true }).fill('person');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#task-status').filter({ hasText: 'draft' }).waitFor();
    taskId = page.url().split('#/tasks/')[1];
    assert.ok(taskId);
    const saved = await server.api('GET', `/api/v1/tasks/${taskId}`);
    assert.equal(saved.area.type, 'Polygon');
    assert.equal(saved.kind, 'absence');
    assert.deepEqual(saved.targets.map((x) => x.label), ['person']);
    // Offline, the imported street network is the base map; the saved shape stays editable:
    // drag a corner, save, and the stored polygon has moved that corner only.
    await page.locator('#editor-map .leaflet-network-pane path.network-roadway').first().waitFor({ state: 'attached' });
    const corner = page.locator('#editor-map .marker-icon:not(.marker-icon-middle)').first();
    const cb = await corner.boundingBox();
    await page.mouse.move(cb.x + cb.width / 2, cb.y + cb.height / 2);
    await page.mouse.down();
    await page.mouse.move(cb.x + cb.width / 2 + 30, cb.y + cb.height / 2 + 20, { steps: 6 });
    await page.mouse.up();
    await page.getByText('Area changed. Save to keep it.').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    let moved = saved;
    for (let i = 0; i < 50 && JSON.stringify(moved.area) === JSON.stringify(saved.area); i++) {
      await page.waitForTimeout(100);
      moved = await server.api('GET', `/api/v1/tasks/${taskId}`);
    }
    const before = saved.area.coordinates[0];
    const after = moved.area.coordinates[0];
    assert.equal(after.length, before.length);
    assert.equal(after.filter((p, i) => p[0] !== before[i][0] || p[1] !== before[i][1]).length >= 1, true, 'a corner moved');
    await page.locator('#task-status').filter({ hasText: 'draft' }).waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('#task-status').filter({ hasText: 'active' }).waitFor();
    await browser.shot('05-editor-saved-active');
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.locator(`tr[data-task-id="${taskId}"]`).waitFor();
    await browser.shot('06-task-list');
    // The status filter narrows the list.
    await page.getByLabel('Status').selectOption('paused');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No tasks match.').waitFor();
    await page.getByLabel('Status').selectOption('active');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator(`tr[data-task-id="${taskId}"]`).waitFor();
    assertNoConsoleErrors();
  });

  it('a simulated drive produces a finding that appears in the list', async () => {
    await page.getByRole('link', { name: 'Findings' }).click();
    await page.getByText('Nothing yet.').waitFor();
    const task = await server.api('GET', `/api/v1/tasks/${taskId}`);
    const ring = task.area.coordinates[0].slice(0, -1);
    const centre = [ring.reduce((s, p) => s + p[1], 0) / ring.length, ring.reduce((s, p) => s + p[0], 0) / ring.length];
    const vehicle = await server.api('POST', '/api/v1/vehicles', { name: 'e2e-sweeper', kind: 'sweeper', lane: 'roadway' });
    const { token } = await server.api('POST', `/api/v1/vehicles/${vehicle.id}/token`, {});
    const drive = writeDrive(scratch, centre, PERSON);
    await runAgent(server.url, token, drive, join(scratch, 'agent'));
    const row = page.locator('tr[data-assessment-id]').first();
    await row.waitFor({ timeout: 30000 });
    assessmentId = await row.getAttribute('data-assessment-id');
    assert.match(await row.innerText(), /finding/);
    // Capture time and place in the row, the finding on the list's map.
    assert.match(await row.locator('td[data-col="place"]').innerText(), /^55\.\d{5}, 12\.\d{5}$/);
    await page.locator('#findings-map path.finding-point').first().waitFor({ state: 'attached' });
    // A period that holds nothing, then none again; the map's area holds it.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.locator('#filter-from').fill(tomorrow);
    await page.locator('#findings-list p.empty').waitFor();
    await page.locator('#filter-from').fill('');
    await row.waitFor();
    await page.locator('#filter-area').check();
    await row.waitFor();
    assert.equal(await page.locator('#page-next').isDisabled(), true, 'one page');
    // Thumbnails are image views: the purpose is asked before any opens.
    await page.locator('#show-thumbs').check();
    await page.locator('#purpose-form').waitFor();
    assert.equal(await page.locator('img.thumb').count(), 0, 'nothing opens before the purpose');
    await page.getByRole('radio', { name: 'Other' }).check();
    await page.getByRole('textbox', { name: 'Other' }).fill('e2e list check');
    await page.getByRole('button', { name: 'Open the images' }).click();
    await row.locator('img.thumb').waitFor();
    const views = (await server.api('GET', '/api/v1/audit?action=image.view')).events || [];
    const thumbView = views.find((e) => e.purpose === 'e2e list check');
    assert.ok(thumbView && thumbView.details.width === 160, `thumbnail audited: ${JSON.stringify(views)}`);
    await browser.shot('07-findings-list');
    assertNoConsoleErrors();
  });

  it('opens the finding with its evidence, runs and assessment; the view is audited', async () => {
    await page.locator(`tr[data-assessment-id="${assessmentId}"] a`).click();
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    // The purpose stated for the list holds in this tab; the inspector changes it here.
    await page.locator('#purpose-line').filter({ hasText: 'e2e list check' }).waitFor();
    await page.locator('#purpose-change').click();
    await page.locator('#purpose-form').waitFor();
    await page.getByRole('radio', { name: 'finding review' }).check();
    await page.getByRole('button', { name: 'Open the images' }).click();
    await page.locator('#evidence svg.boxes').waitFor();
    assert.match(await page.locator('#purpose-line').innerText(), /finding review/);
    assert.ok((await page.locator('#evidence rect.det:not(.below)').count()) >= 1, 'detection boxes drawn');
    assert.equal(await page.locator('#show-below').count(), 0, 'no box below the threshold yet');
    // Boxes below the task's threshold are hidden until asked for: raise the task's threshold
    // above the person's score, reload, and the box needs the toggle.
    const task = await server.api('GET', `/api/v1/tasks/${taskId}`);
    const raise = (c) => ({ ...task, targets: task.targets.map((x) => ({ ...x, min_confidence: c })) });
    await server.api('PUT', `/api/v1/tasks/${taskId}`, raise(0.99));
    await page.reload();
    const below = page.locator('#evidence rect.det.below');
    await below.first().waitFor({ state: 'attached' });
    assert.equal(await below.first().isVisible(), false, 'hidden by default');
    await page.locator('#show-below').check();
    assert.equal(await below.first().isVisible(), true, 'shown on request');
    await server.api('PUT', `/api/v1/tasks/${taskId}`, raise(task.targets[0].min_confidence));
    await page.reload();
    await page.locator('#evidence rect.det:not(.below)').first().waitFor();
    assert.ok((await page.locator('#runs tbody tr').count()) >= 1, 'recognition runs listed');
    assert.match(await page.locator('#assessment').innerText(), /finding/);
    const audited = await page.locator('#finding-audit').innerText();
    const auditRoute = (await fetch(`${server.url}/api/v1/openapi.json`).then((r) => r.json())).paths['/api/v1/audit'];
    if (auditRoute) {
      assert.ok((await page.locator('#evidence svg.boxes image').count()) === 1, 'the anonymized image is shown');
      const entry = page.locator('#finding-audit .audit-entry').filter({ hasText: 'viewed the image' }).filter({ hasText: 'finding review' });
      assert.ok((await entry.count()) >= 1, `view audited: ${audited}`);
      assert.match(await entry.first().innerText(), /e2e-admin/);
    } else {
      assert.match(audited, /Not available/);
    }
    // Where it was taken (the task's area and the capture point), and the image at full size.
    await page.locator('#finding-map path.capture-point').waitFor({ state: 'attached' });
    await page.locator('#zoom-open').click();
    await page.locator('#zoom-dialog svg.boxes image').waitFor();
    assert.equal(await page.locator('#zoom-level').innerText(), '100 %');
    const w0 = (await page.locator('#zoom-dialog svg.boxes').boundingBox()).width;
    await page.locator('#zoom-in').click();
    assert.equal(await page.locator('#zoom-level').innerText(), '150 %');
    const w1 = (await page.locator('#zoom-dialog svg.boxes').boundingBox()).width;
    assert.ok(Math.abs(w1 / w0 - 1.5) < 0.02, `zoomed ${w0} → ${w1}`);
    await browser.shot('08b-finding-full-size');
    await page.locator('#zoom-close').click();
    // The dialog is removed when its close event comes (asynchronously).
    await page.locator('#zoom-dialog').waitFor({ state: 'detached' });
    await browser.shot('08-finding-review');
    assertNoConsoleErrors();
  });

  it('labelled boxes drawn on the kept image are saved for teaching a new object', async () => {
    const canvas = page.locator('#teach-canvas');
    await canvas.waitFor();
    await canvas.scrollIntoViewIfNeeded();
    // Drawing without a label asks for one.
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.up();
    await page.locator('#teach-status').filter({ hasText: 'Type a label first' }).waitFor();
    await page.getByLabel('Label of the next box').fill('bench');
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    assert.equal(await page.locator('#teach-boxes li[data-box]').count(), 1);
    await page.getByRole('button', { name: 'Save boxes' }).click();
    await page.locator('#teach-status').filter({ hasText: 'Boxes saved.' }).waitFor();
    const a = await server.api('GET', `/api/v1/assessments/${assessmentId}`);
    const saved = await server.api('GET', `/api/v1/observations/${a.observation_id}/annotations`);
    assert.equal(saved.boxes.length, 1);
    const b = saved.boxes[0];
    assert.equal(b.label, 'bench');
    assert.equal(b.labelled_by, 'e2e-admin');
    // The box is where it was drawn, in the stored image's pixels (within a pixel or two).
    assert.ok(Math.abs(b.x - saved.width * 0.2) <= 3 && Math.abs(b.w - saved.width * 0.3) <= 3, JSON.stringify(b));
    assert.ok(Math.abs(b.y - saved.height * 0.3) <= 3 && Math.abs(b.h - saved.height * 0.3) <= 3, JSON.stringify(b));
    // Complete for its own label by default; also for bins, of which there are none here (the
    // image becomes a negative for bins).
    assert.deepEqual(saved.complete_for, ['bench']);
    assert.equal(await page.getByLabel('Every object of these labels is boxed in this image').inputValue(), 'bench');
    await page.getByLabel('Every object of these labels is boxed in this image').fill('bin');
    await page.getByRole('button', { name: 'Save boxes' }).click();
    let marked = saved;
    for (let i = 0; i < 50 && marked.complete_for.length < 2; i += 1) {
      await page.waitForTimeout(100);
      marked = await server.api('GET', `/api/v1/observations/${a.observation_id}/annotations`);
    }
    assert.deepEqual(marked.complete_for, ['bench', 'bin']);
    await page.locator('#teach-status').filter({ hasText: 'Boxes saved.' }).waitFor();
    assert.equal(await page.locator('#teach-complete').inputValue(), 'bench, bin');
    await browser.shot('08b-teach-boxes');
    assertNoConsoleErrors();
  });

  it('the evidence package of the finding downloads as a zip with its manifest; the export is audited', async () => {
    const form = page.locator('#evidence-package form');
    await form.scrollIntoViewIfNeeded();
    await page.getByLabel('Purpose').fill('case 2026-117');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download evidence package' }).click()]);
    assert.equal(download.suggestedFilename(), `evidence-${assessmentId}.zip`);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a zip archive');
    assert.ok(bytes.includes(Buffer.from('manifest.json')) && bytes.includes(Buffer.from('image.jpg')), 'image and manifest inside');
    const auditRoute = (await fetch(`${server.url}/api/v1/openapi.json`).then((r) => r.json())).paths['/api/v1/audit'];
    if (auditRoute) {
      const events = (await server.api('GET', '/api/v1/audit?action=evidence.export')).events;
      assert.equal(events.length, 1);
      assert.equal(events[0].object_id, assessmentId);
      assert.equal(events[0].purpose, 'case 2026-117');
    }
    assertNoConsoleErrors();
  });

  it('a finding goes open → handled with an escalation step and a note, survives a reload and is found by search', async () => {
    await page.locator('#case-status').filter({ hasText: 'open' }).waitFor();
    await page.getByLabel('Escalation step').selectOption('advice');
    await page.getByLabel('Date of the step').fill('2026-12-07');
    await page.getByLabel('Note', { exact: true }).fill('Pedellen har fået vejledning om skiltet');
    await page.getByLabel('Assigned to').fill('TMF Vejdrift');
    await page.getByRole('button', { name: 'Record' }).click();
    await page.locator('#case-history li').first().waitFor();
    await page.getByLabel('New status').selectOption('handled');
    await page.getByRole('button', { name: 'Record' }).click();
    await page.locator('#case-status').filter({ hasText: 'handled' }).waitFor();
    await page.reload();
    await page.locator('#case-status').filter({ hasText: 'Status: handled · Assigned to: TMF Vejdrift' }).waitFor();
    const history = await page.locator('#case-history').innerText();
    assert.match(history, /advice \(2026-12-07\)/);
    assert.match(history, /Pedellen har fået vejledning/);
    await browser.shot('08c-case-handled');
    await page.getByRole('link', { name: 'Findings' }).click();
    await page.locator(`tr[data-assessment-id="${assessmentId}"]`).waitFor();
    await page.getByLabel('Search').fill('pedellen');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator(`tr[data-assessment-id="${assessmentId}"] td[data-col="case"]`).filter({ hasText: 'handled' }).waitFor();
    await page.getByLabel('Search').fill('no such words anywhere');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('Nothing yet.').waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator(`tr[data-assessment-id="${assessmentId}"] a`).click();
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    assertNoConsoleErrors();
  });

  it('feedback is recorded and changes the service stats', async () => {
    const before = (await server.api('GET', '/api/v1/stats/services')).services;
    const correctBefore = before.reduce((s, x) => s + x.feedback_correct, 0);
    await page.getByLabel('correct', { exact: true }).check();
    await page.getByLabel('4', { exact: true }).check();
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.locator('#feedback-current').filter({ hasText: 'correct' }).waitFor();
    assert.match(await page.locator('#feedback-current').innerText(), /satisfaction 4\/5/);
    await page.getByRole('link', { name: 'Services' }).click();
    await page.locator('#service-stats').waitFor();
    const cells = await page.locator('#service-stats td[data-col="feedback_correct"]').allInnerTexts();
    const correctAfter = cells.reduce((s, x) => s + Number(x), 0);
    assert.equal(correctAfter, correctBefore + 1, 'one more judged-correct answer');
    assert.ok((await page.locator('#service-stats td[data-col="precision"]').allInnerTexts()).includes('100 %'));
    assert.ok(await page.locator('#chart-precision').isVisible());
    await browser.shot('09-services');
    assertNoConsoleErrors();
  });

  it('the live map shows the task, the vehicle and the imported street network', async () => {
    await page.getByRole('link', { name: 'Live map' }).click();
    await page.locator('#live-map path.leaflet-interactive').first().waitFor();
    await page.locator('#vehicle-list').filter({ hasText: 'e2e-sweeper' }).waitFor();
    assert.equal(await page.locator('#live-map .leaflet-tile').count(), 0, 'no tiles when tile_url is empty');
    // The network in its own pane beneath the areas: roads grey, the cycle track blue.
    const cycle = page.locator('#live-map .leaflet-network-pane path.network-cycle_track');
    const roads = page.locator('#live-map .leaflet-network-pane path.network-roadway');
    // (attached, not "visible": a horizontal line's box has no height, which Playwright calls hidden)
    await cycle.first().waitFor({ state: 'attached' });
    assert.equal(await cycle.count(), 1, 'one cycle track polyline');
    assert.equal(await roads.count(), 2, 'the parallel road and the cross street');
    assert.equal(await cycle.getAttribute('stroke'), '#1e6fd9');
    assert.equal(await roads.first().getAttribute('stroke'), '#8a8f96');
    assert.match(await page.locator('.legend').innerText(), /Street network: cycle track/);
    await browser.shot('10-live-map');
    assertNoConsoleErrors();
  });

  it('coverage: offered to all before the task is analysed, then the vehicle with passes and lane', async () => {
    await page.getByRole('link', { name: 'Coverage' }).click();
    await page.getByRole('heading', { name: 'Coverage per task' }).waitFor();
    // The report of before() has history but not this task (it was not active then).
    const none = page.locator('#coverage-none');
    await none.waitFor();
    assert.match(await none.innerText(), /not part of the last coverage run/);
    assert.match(await none.innerText(), /offered to all vehicles/);
    assert.match(await page.locator('#coverage-period').innerText(), /days: 3 .*; vehicles: 1; GPS fixes: 726/);
    await browser.shot('11-coverage-not-analysed');

    // `tilsyn coverage` while the server runs: the server picks the new report up.
    assert.match(server.cli('coverage'), /coverage: 1 site\(s\), 1 covered/);
    await page.getByRole('link', { name: 'Live map' }).click();
    await page.locator('#live-map').waitFor();
    await page.getByRole('link', { name: 'Coverage' }).click();
    const row = page.locator('#coverage-vehicles tr[data-vehicle="bus-7"]');
    await row.waitFor();
    const cell = async (c) => (await row.locator(`td[data-col="${c}"]`).innerText()).trim();
    assert.equal(await cell('passes'), '6');
    assert.equal(await cell('passes_per_week'), '14');
    assert.equal(await cell('days_with_pass'), '3');
    assert.equal(await cell('median_speed_kmh'), '18 km/h');
    assert.equal(await cell('lane'), 'cycle track');
    assert.equal(await cell('confidence'), '100 %');
    assert.equal(await cell('offered'), 'yes');
    assert.equal(await page.locator('#cov-passes .tile-value').innerText(), '6');
    assert.match(await page.locator('#cov-lane').innerText(), /cycle track/);
    assert.match(await page.locator('#coverage-offered').innerText(), /offered only to the vehicles that pass most often \(at most 10\): bus-7\./);
    // The 24-bin time-of-day chart: 6 passes in all, in 2 hours of the day.
    const bars = page.locator('#coverage-hours rect.hour-bar');
    assert.equal(await bars.count(), 24);
    const counts = (await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).filter((n) => n > 0);
    assert.deepEqual(counts, [3, 3]);
    assert.equal(await page.locator('#coverage-none').count(), 0);
    await browser.shot('11-coverage');
    assertNoConsoleErrors();
  });

  it('renders the privacy page', async () => {
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.locator('#retention-queue').filter({ hasText: 'Closed excavation' }).waitFor();
    // The queue lists every kept image with its reason: the finding is kept as evidence.
    const row = page.locator('#retention-table tr[data-reason="finding"]').first();
    await row.waitFor();
    assert.match(await row.innerText(), /finding \(evidence\)/);
    const verify = page.getByRole('button', { name: 'Verify the audit chain' });
    if (await verify.count()) {
      await verify.click();
      await page.locator('#verify-result').filter({ hasText: /intact/ }).waitFor();
    }
    await browser.shot('12-privacy');
    assertNoConsoleErrors();
  });

  it('switches to Danish', async () => {
    await page.getByRole('link', { name: 'Findings' }).click();
    await page.getByRole('button', { name: 'Skift sprog til dansk' }).click();
    await page.getByRole('heading', { name: 'Fund', exact: true }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'da');
    const nav = await page.locator('#nav').innerText();
    for (const item of ['Opgaver', 'Live-kort', 'Fund', 'Tjenester', 'Dækning', 'Databeskyttelse']) assert.ok(nav.includes(item), item);
    await browser.shot('13-findings-da');
    await page.getByRole('link', { name: 'Opgaver' }).click();
    await page.getByRole('heading', { name: 'Opgaver' }).waitFor();
    await page.locator(`tr[data-task-id="${taskId}"]`).filter({ hasText: 'aktiv' }).waitFor();
    await browser.shot('14-tasks-da');
    await page.locator(`tr[data-task-id="${taskId}"] a`).click();
    await page.getByRole('heading', { name: 'Opgave', exact: true }).waitFor();
    await page.getByLabel('Titel').waitFor();
    await browser.shot('15-editor-da');
    await page.getByRole('link', { name: 'Dækning' }).click();
    await page.getByRole('heading', { name: 'Dækning pr. opgave' }).waitFor();
    await page.locator('#coverage-vehicles td[data-col="lane"]').filter({ hasText: 'cykelsti' }).waitFor();
    assert.equal((await page.locator('#coverage-vehicles td[data-col="median_speed_kmh"]').innerText()).trim(), '18 km/t');
    await browser.shot('15b-coverage-da');
    await page.getByRole('link', { name: 'Live-kort' }).click();
    await page.locator('#live-map .leaflet-network-pane path.network-cycle_track').waitFor({ state: 'attached' });
    assert.match(await page.locator('.legend').innerText(), /Vejnet: cykelsti/);
    await browser.shot('15c-live-map-da');
    assertNoConsoleErrors();
  });

  it('a data protection officer sees the privacy pages, not the inspector tools', async () => {
    const dpo = server.createToken('dpo', 'dora');
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Access token').fill(dpo);
    await page.getByRole('button', { name: 'Use the token' }).click();
    await page.getByRole('heading', { name: 'Privacy', exact: true }).waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#main h1').count(), 1, 'the page is rendered once');
    const nav = await page.locator('#nav').innerText();
    for (const item of ['Tasks', 'Findings', 'Services', 'Privacy']) assert.ok(nav.includes(item), item);
    for (const item of ['Live map', 'Coverage']) assert.ok(!nav.includes(item), item);
    assert.match(await page.locator('#who').innerText(), /dora · data protection officer/);
    await browser.shot('16-privacy-dpo');
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.locator(`tr[data-task-id="${taskId}"]`).waitFor();
    assert.equal(await page.getByRole('link', { name: 'New task' }).count(), 0, 'no editing for the DPO');
    assert.equal(await page.getByRole('button', { name: /Pause/ }).count(), 0);
    assertNoConsoleErrors();
  });
});
