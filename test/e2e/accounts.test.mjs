// Accounts: a person logs in with name and password; the session is an HttpOnly cookie that
// page scripts cannot read, survives a reload, and its changes need the CSRF token (which the UI
// sends: it activates a task). A wrong password is refused with a clear message, the person sees
// only the tasks of their units, and logging out ends the session on the server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requirements, startBrowser, startServer } from './harness.mjs';

const LON = 12.5683;
const LAT = 55.6761;
const minute = (ms) => new Date(Math.floor(ms / 60e3) * 60e3).toISOString().replace(/\.\d+Z$/, 'Z');
const task = (title, unit) => ({
  title,
  unit,
  kind: 'presence',
  targets: [{ label: 'vehicle', min_confidence: 0.5 }],
  area: { type: 'Point', coordinates: [LON, LAT], radius_m: 25 },
  schedule: {
    valid_from: minute(Date.now() - 3600e3),
    valid_to: minute(Date.now() + 10 * 86400e3),
    time_zone: 'Europe/Copenhagen',
    min_interval_s: 120,
    windows: [{ weekday: 1, start: '07:00', end: '15:30' }],
  },
});

describe('accounts', { timeout: 60_000 }, () => {
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

  it('logs a person in with a password into a cookie session guarded by a CSRF token', async () => {
    // The harness's CLI helper has no stdin for the password, so the admin API creates the account.
    await server.api('POST', '/api/v1/users', { name: 'anna', role: 'inspector', password: 'correct horse battery', units: ['TMF'] });
    const mine = await server.api('POST', '/api/v1/tasks', task('Bench at the harbour', 'TMF'));
    const theirs = await server.api('POST', '/api/v1/tasks', task('Container on the square', 'BYG'));

    // A wrong password: the server's 401 is expected, the form says so.
    browser.allowFailing([/\/api\/v1\/login$/]);
    await page.goto('/');
    await page.getByLabel('Name').fill('anna');
    await page.getByLabel('Password').fill('wrong horse');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Wrong name or password.').waitFor();
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    // The token form is there too, below, for service accounts.
    assert.equal(await page.getByLabel('Access token').isVisible(), true);
    assert.equal(await page.getByRole('button', { name: 'Use the token' }).isVisible(), true);
    browser.allowFailing([]);

    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Tasks', exact: true }).waitFor();
    assert.match(await page.locator('#who').innerText(), /anna · inspector/);
    // Only the tasks of anna's unit.
    await page.locator(`tr[data-task-id="${mine.id}"]`).waitFor();
    assert.equal(await page.locator(`tr[data-task-id="${theirs.id}"]`).count(), 0, 'a task of another unit is hidden');

    // The session cookie is there but out of reach of page scripts; no token is stored.
    const cookies = await browser.context.cookies();
    const cookie = cookies.find((c) => c.name === 'tilsyn_session');
    assert.ok(cookie, 'the session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(!(await page.evaluate(() => document.cookie)).includes('tilsyn_session'), 'HttpOnly');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tilsyn.token')), null);

    // A reload keeps the session (the UI asks /me), and the CSRF token comes back with it.
    await page.reload();
    await page.getByRole('heading', { name: 'Tasks', exact: true }).waitFor();
    assert.equal(await page.getByLabel('Password').count(), 0, 'no login form');
    assert.match(await page.locator('#who').innerText(), /anna · inspector/);

    // The UI's own change carries the token: activating the task works.
    await page.getByRole('button', { name: 'Activate: Bench at the harbour' }).click();
    await page.getByText('The task is active.').waitFor();
    assert.equal((await server.api('GET', `/api/v1/tasks/${mine.id}`)).status, 'active');

    // A change without the CSRF token is refused; with it, it reaches validation.
    browser.allowFailing([/\/api\/v1\/tasks$/]);
    const post = (csrf) =>
      page.evaluate(async (token) => {
        const headers = { 'Content-Type': 'application/json' };
        if (token) headers['X-CSRF-Token'] = token;
        const r = await fetch('/api/v1/tasks', { method: 'POST', headers, body: '{}' });
        return { status: r.status, body: await r.json() };
      }, csrf);
    const refused = await post('');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'permission_denied');
    assert.equal(refused.body.error.field, 'X-CSRF-Token');
    assert.equal((await post('not-the-token')).status, 403);
    const csrf = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.json()).then((me) => me.csrf_token));
    assert.match(csrf, /^[0-9a-f]{16,}$/);
    const validated = await post(csrf);
    assert.equal(validated.status, 400, JSON.stringify(validated.body));
    await browser.shot('accounts-cookie-session');

    // Logging out ends the session on the server: the cookie no longer opens /me.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Password').waitFor();
    assert.equal(await page.locator('#logout').isVisible(), false);
    browser.allowFailing([/\/api\/v1\/me$/]);
    assert.equal(await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status)), 401);
    browser.allowFailing([]);
    // A reload after logging out shows the login page without asking the server (no 401 logged).
    await page.reload();
    await page.getByLabel('Password').waitFor();
    await page.waitForTimeout(200);
    assert.equal(await page.getByRole('heading', { name: 'Tasks', exact: true }).count(), 0);
    await browser.shot('accounts-logged-out');
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
    assert.deepEqual(browser.offsite, [], 'requests that left the test server');
  });

  it('the Danish login page offers both ways in', async () => {
    await page.getByRole('button', { name: 'Dansk' }).click();
    await page.getByLabel('Navn').waitFor();
    await page.getByLabel('Adgangskode').waitFor();
    await page.getByLabel('Adgangsnøgle').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Log ind' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Brug nøglen' }).count(), 1);
    browser.allowFailing([/\/api\/v1\/login$/]);
    await page.getByLabel('Navn').fill('anna');
    await page.getByLabel('Adgangskode').fill('wrong horse');
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByText('Forkert navn eller adgangskode.').waitFor();
    browser.allowFailing([]);
    await browser.shot('accounts-login-da');
    await page.getByRole('button', { name: 'English' }).click();
    assert.deepEqual(browser.errors.splice(0), [], 'console errors');
  });
});
