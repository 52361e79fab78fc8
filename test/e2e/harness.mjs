// End-to-end harness: a real `tilsyn serve` on a free loopback port with a temp data dir,
// Debian's Chromium driven by playwright-core (headless, fresh profile, no network besides
// loopback), a console-error collector, screenshots under build/e2e-artifacts/, and a simulated
// drive with the real `tilsyn-agent`.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.TILSYN_BIN_DIR || join(ROOT, 'build/bin');
export const ARTIFACTS = process.env.E2E_ARTIFACTS || join(ROOT, 'build/e2e-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function requirements() {
  const missing = [];
  for (const p of [join(BIN, 'tilsyn'), join(BIN, 'tilsyn-agent'), CHROMIUM, join(ROOT, 'web/dist/index.html')]) {
    if (!existsSync(p)) missing.push(p);
  }
  return missing;
}

// `prepare({ dir, dataDir, cli })` runs before the server starts (after the database exists),
// e.g. to import GPS history and a street network with the real CLI.
// `config` (optional) is written as the server's --config file.
export async function startServer({ prepare, config } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-'));
  const dataDir = join(dir, 'server');
  const env = { ...process.env, TILSYN_TILE_URL: '', TILSYN_WEB_DIR: join(ROOT, 'web/dist'), TILSYN_LOG_LEVEL: 'warn', TILSYN_IMAGE_KEY: randomBytes(32).toString('hex') };
  const token = execFileSync(join(BIN, 'tilsyn'), ['admin', 'create-token', '--role', 'admin', '--subject', 'e2e-admin', '--data-dir', dataDir], { env, encoding: 'utf8' }).trim();
  // A `tilsyn` subcommand on the test's data dir; its stdout (throws with stderr on failure).
  const cli = (...args) => {
    try {
      return execFileSync(join(BIN, 'tilsyn'), [...args, '--data-dir', dataDir], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error(`tilsyn ${args.join(' ')}: ${e.status} ${e.stderr || ''}${e.stdout || ''}`);
    }
  };
  if (prepare) await prepare({ dir, dataDir, cli });
  const args = ['serve', '--listen', '127.0.0.1', '--port', '0', '--data-dir', dataDir];
  if (config) {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    args.push('--config', join(dir, 'config.json'));
  }
  const proc = spawn(join(BIN, 'tilsyn'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const url = await new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`server did not start: ${stderr}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    proc.on('exit', (code) => rej(new Error(`server exited ${code}: ${stderr}`)));
  });
  return {
    url,
    token,
    dir,
    dataDir,
    cli,
    // Another user's token (the CLI opens the same database; SQLite WAL allows it).
    createToken(role, subject) {
      return execFileSync(join(BIN, 'tilsyn'), ['admin', 'create-token', '--role', role, '--subject', subject, '--data-dir', dataDir], { env, encoding: 'utf8' }).trim();
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => {
          const k = setTimeout(() => {
            proc.kill('SIGKILL');
            r();
          }, 5000);
          proc.on('exit', () => {
            clearTimeout(k);
            r();
          });
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
    async api(method, path, body, tok = token) {
      const res = await fetch(url + path, {
        method,
        headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const json = text ? JSON.parse(text) : null;
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return json;
    },
  };
}

export async function startBrowser(baseUrl) {
  const profile = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    viewport: { width: 1360, height: 900 },
    locale: 'en-GB',
    baseURL: baseUrl,
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(10000);
  // Every console error and uncaught exception fails the test, except network errors for
  // requests a step declares it expects to fail (the server's validation answers).
  const errors = [];
  let allowed = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location() && msg.location().url;
    if (/Failed to load resource/.test(msg.text()) && allowed.some((re) => re.test(where || ''))) return;
    errors.push(`console: ${msg.text()} @ ${where}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  // Nothing but the server under test may be contacted (no tiles, no CDN).
  const offsite = [];
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(baseUrl) && !u.startsWith('data:') && !u.startsWith('blob:')) offsite.push(u);
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    errors,
    offsite,
    allowFailing(res) {
      allowed = res;
    },
    async shot(name) {
      // Transient notices would cover the page in the picture.
      await page.evaluate(() => document.getElementById('toast')?.classList.remove('show'));
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---- simulated drive -------------------------------------------------------------------
function offset([lat, lon], eastM, northM) {
  return [lat + northM / 111320, lon + eastM / (111320 * Math.cos((lat * Math.PI) / 180))];
}

// A GPX track at 1 Hz driving west → east through `centre` (lat, lon), ending a minute ago.
export function writeDrive(dir, centre, imagePath) {
  mkdirSync(join(dir, 'camera'), { recursive: true });
  const speedMs = 5;
  const n = 61;
  const end = Date.now() - 60_000;
  let pts = '';
  for (let i = 0; i < n; i++) {
    const [lat, lon] = offset(centre, (i - (n - 1) / 2) * speedMs, 0);
    const time = new Date(end - (n - 1 - i) * 1000).toISOString();
    pts += `<trkpt lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"><time>${time}</time><speed>${speedMs}</speed><course>90</course></trkpt>\n`;
  }
  const gpx = `<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="tilsyn e2e" xmlns="http://www.topografix.com/GPX/1/1">\n<trk><name>e2e</name><trkseg>\n${pts}</trkseg></trk>\n</gpx>\n`;
  writeFileSync(join(dir, 'track.gpx'), gpx);
  writeFileSync(join(dir, 'camera/index.csv'), `lat,lon,file,frame\n${centre[0]},${centre[1]},${imagePath},-1\n`);
  return { gps: join(dir, 'track.gpx'), camera: join(dir, 'camera') };
}

// An active absence task (nobody within 60 m of `site`, [lat, lon]) and a real agent's drive past
// it with a photograph of a person: a finding whose image is kept. Returns the task.
export async function seedFinding(server, scratch, site, { title = 'Nobody in the closed square', unit } = {}) {
  const now = Date.now();
  const task = await server.api('POST', '/api/v1/tasks', {
    title,
    unit,
    kind: 'absence',
    targets: [{ label: 'person', min_confidence: 0.5 }],
    area: { type: 'Point', coordinates: [site[1], site[0]], radius_m: 60 },
    schedule: { valid_from: new Date(now - 86400e3).toISOString(), valid_to: new Date(now + 30 * 86400e3).toISOString(), time_zone: 'Europe/Copenhagen' },
    actions: [{ type: 'log', on: ['finding'] }],
    retention: { evidence_days: 30 },
  });
  await server.api('POST', `/api/v1/tasks/${task.id}/activate`);
  const vehicle = await server.api('POST', '/api/v1/vehicles', { name: 'Sweeper 12 (Indre By)', kind: 'sweeper', lane: 'roadway' });
  const { token } = await server.api('POST', `/api/v1/vehicles/${vehicle.id}/token`, {});
  await runAgent(server.url, token, writeDrive(scratch, site, '/usr/share/darknet/data/person.jpg'), join(scratch, 'agent'));
  return task;
}

export function runAgent(serverUrl, vehicleToken, drive, dataDir) {
  return new Promise((res, rej) => {
    const p = spawn(join(BIN, 'tilsyn-agent'), ['--server', serverUrl, '--data-dir', dataDir, '--gps', drive.gps, '--camera-dir', drive.camera, '--speed', '0', '--vehicle-id', 'e2e-sweeper', '--log-level', 'warn'], {
      env: { ...process.env, TILSYN_AGENT_TOKEN: vehicleToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      rej(new Error(`agent timed out: ${out}`));
    }, 60000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) res(out);
      else rej(new Error(`agent exited ${code}: ${out}`));
    });
  });
}

// ---- coverage inputs ---------------------------------------------------------------------
// A street network around `centre` (lat, lon) as GeoJSON files for `tilsyn import network`:
// a cycle track along the centre's latitude from 400 m west to 400 m east, a road parallel to it
// 12 m north, and a cross street 250 m east of the centre.
export function writeNetwork(dir, centre) {
  const line = (pts) => ({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: pts.map(([la, lo]) => [Number(lo.toFixed(7)), Number(la.toFixed(7))]) } });
  const along = (north) => [-400, -200, 0, 200, 400].map((e) => offset(centre, e, north));
  const fc = (features) => JSON.stringify({ type: 'FeatureCollection', features });
  const roads = join(dir, 'roads.geojson');
  const cycle = join(dir, 'cycle_tracks.geojson');
  writeFileSync(roads, fc([line(along(12)), line([offset(centre, 250, -300), offset(centre, 250, 300)])]));
  writeFileSync(cycle, fc([line(along(0))]));
  return { roads, cycle };
}

// A GPX history of one vehicle riding the cycle track of writeNetwork() west → east through
// `centre` at 5 m/s (1 Hz fixes from 300 m before to 300 m after it): `perDay` passes a day
// (at 08:00 and 15:30 UTC, …) on each of the `days` days before today.
export function writeHistory(dir, centre, { days = 3, perDay = 2 } = {}) {
  const starts = ['08:00', '15:30', '11:10', '19:45'];
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  let segs = '';
  for (let d = days; d >= 1; d--) {
    for (let p = 0; p < perDay; p++) {
      const [H, M] = starts[p % starts.length].split(':').map(Number);
      const t0 = today.getTime() - d * 86400e3 + (H * 60 + M) * 60e3;
      let pts = '';
      for (let i = 0; i <= 120; i++) {
        const [lat, lon] = offset(centre, -300 + i * 5, (i % 3) - 1);
        pts += `<trkpt lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"><time>${new Date(t0 + i * 1000).toISOString()}</time></trkpt>\n`;
      }
      segs += `<trkseg>\n${pts}</trkseg>\n`;
    }
  }
  const file = join(dir, 'history.gpx');
  writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="tilsyn e2e" xmlns="http://www.topografix.com/GPX/1/1">\n<trk><name>history</name>\n${segs}</trk>\n</gpx>\n`);
  return file;
}
