// The fleet page: a vehicle whose real agent just drove (heartbeats at start and end) shows its
// state; a registered vehicle that never reported is flagged silent; one whose camera reconnects
// and that has no fix is flagged for both. An admin stores agent settings, and the agent applies
// them at its next sync and reports the version in its heartbeat.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requirements, runAgent, startBrowser, startServer, writeDrive } from './harness.mjs';

const CENTRE = [55.6761, 12.5683];
const IMAGE = '/usr/share/doc/opencv-doc/examples/data/leuvenA.jpg';

describe('fleet page', { timeout: 110_000 }, () => {
  let server;
  let browser;
  let page;
  let scratch;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `missing: ${missing.join(', ')} (run scripts/e2e.sh)`);
    scratch = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-fleet-'));
    server = await startServer();
    browser = await startBrowser(server.url);
    page = browser.page;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function vehicle(name) {
    const v = await server.api('POST', '/api/v1/vehicles', { name });
    const { token } = await server.api('POST', `/api/v1/vehicles/${v.id}/token`);
    return { id: v.id, token };
  }

  it('shows each vehicle with its warnings, and the agent runs the stored settings', async () => {
    const driver = await vehicle('Sweeper 1 (drove)');
    const silent = await vehicle('Sweeper 2 (silent)');
    const blind = await vehicle('Sweeper 3 (camera)');
    const settings = await server.api('PUT', '/api/v1/agent-config', { settings: { jpeg_quality: 80 } });
    assert.equal(settings.version, 1);
    await runAgent(server.url, driver.token, writeDrive(scratch, CENTRE, IMAGE), join(scratch, 'agent'));
    await server.api('POST', '/api/v1/heartbeat', { sent_at: new Date().toISOString(), software_version: '0.9.0', config_version: 0, camera: 'reconnecting', outbox: { depth: 0, oldest_age_s: 0 }, fix: null }, blind.token);

    await page.goto('/');
    await page.getByLabel('Access token').fill(server.token);
    await page.getByRole('button', { name: 'Use the token' }).click();
    await page.getByRole('heading', { name: 'Tasks', exact: true }).waitFor();
    await page.goto('/#/fleet');
    await page.waitForSelector('#fleet tbody tr');
    const row = (id) => page.locator(`#fleet tr[data-vehicle="${id}"]`);
    assert.equal(await row(driver.id).getAttribute('data-warnings'), '');
    assert.equal(await row(driver.id).locator('[data-col=config]').textContent(), '1', 'the agent applied settings version 1');
    assert.equal(await row(driver.id).locator('[data-col=camera]').textContent(), 'replay');
    assert.match(await row(driver.id).locator('[data-col=fix]').textContent(), /^55\.67\d+, 12\.5\d+ · \d+ s ago$/);
    assert.equal(await row(silent.id).getAttribute('data-warnings'), 'silent');
    assert.equal(await row(silent.id).getAttribute('class'), 'warn');
    assert.equal(await row(silent.id).locator('li[data-warning=silent]').textContent(), 'silent');
    assert.equal(await row(blind.id).getAttribute('data-warnings'), 'no_fix camera');
    // The admin's settings form shows the stored version.
    assert.match(await page.locator('#agent-settings-version').textContent(), /Version 1, by e2e-admin/);
    await browser.shot('fleet');
    const errs = browser.errors.splice(0);
    assert.deepEqual(errs, [], 'console errors');
    assert.deepEqual(browser.offsite, [], 'requests that left the test server');
  });
});
