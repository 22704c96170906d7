import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startDemo } from '@credence/cli/commands/start';
import { startAgentUi } from '@credence/dashboard/agent-ui';
import type { RingGraph } from '@credence/dashboard/api-types';
import { appFolder } from '@credence/dashboard/app-folder';
import { UiState } from '@credence/dashboard/ui-state';
import { MemberSession } from '@credence/member/member-session';
import { serveApp } from '@credence/server-kit/static-files';
import {
  csrfOf,
  originsOf,
  type SessionKeeper,
  useWebSessions,
} from '@credence/server-kit/web-session';
import Fastify from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { median } from './machine.js';

/**
 * The dashboard in Chromium (issue 16): `node dashboard.js CHROMIUM [--quick]`.
 *
 * 1. The overview's first load on the demo (scale 1, as `npm start` makes it), through
 *    bank-a's agent: from navigation in a fresh browser profile to its numbers on the
 *    screen; the first after the agent started (it reads every ring of the analysis once)
 *    and the median of the next ones. Baselines in the same run: the same data from the
 *    agent without a browser (GET /api/overview), and the app's page alone (the sign-in
 *    screen: HTML, script and style, no data).
 * 2. The first view's script and style as served (gzip), and the explorer's chunk, which
 *    only the ring explorer loads.
 * 3. The ring explorer on a ring of 5,000 nodes (made here: the demo has none that large,
 *    and what is measured is the drawing): its ForceAtlas2 layout time as the app reports
 *    it, and frames per second while the graph is dragged (the picture moves and the
 *    graph is drawn again when the hand rests or lets go: app/src/graph/pan.ts), without
 *    rests and with a rest of 200 ms after every 400 ms of moving. Baselines: the same
 *    page with the camera moved by script on every frame (every frame draws the whole
 *    graph, as sigma's own panning did), and the same drag with rings of 1,000 and 10
 *    nodes (10: what the browser's frame clock gives when drawing costs nothing).
 *    Median of 3.
 */

const executablePath = process.argv[2] as string;
const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 5;

const freeBase = async () => {
  const free = (port: number) =>
    new Promise<boolean>((done) => {
      const s = createServer();
      s.once('error', () => done(false));
      s.listen(port, '127.0.0.1', () => s.close(() => done(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await free(base)) && (await free(base + 1)) && (await free(base + 2))) return base;
  }
};

async function overview(browser: Browser) {
  const data = mkdtempSync(join(tmpdir(), 'credence-bench-dashboard-'));
  const services = await startDemo({
    data,
    host: '127.0.0.1',
    portBase: await freeBase(),
    port: 0,
    exit: false,
    scale: quick ? 0.3 : 1,
    quiet: true,
    hold: true,
  });
  const session = await MemberSession.open(join(data, 'members', 'bank-a', 'member.json'), {
    cache: false,
    threads: 0,
  });
  const state = UiState.open(join(data, 'dashboard-bench.sqlite'));
  const ui = await startAgentUi({ session, state, host: '127.0.0.1', port: 0 });
  const load = async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const link = `${ui.url}/overview#login=${state.issueLoginLink(Date.now())}`;
    const start = performance.now();
    await page.goto(link);
    await page.waitForSelector('[data-testid=tile-reports]');
    const ms = performance.now() - start;
    await context.close();
    return ms;
  };
  const first = await load();
  const warm: number[] = [];
  for (let i = 0; i < rounds; i++) warm.push(await load());
  // Baselines: the agent's answer without a browser, and the page without data.
  const api: number[] = [];
  const shell: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const link = state.issueLoginLink(Date.now());
    const login = await fetch(`${ui.url}/api/login`, {
      method: 'POST',
      headers: { origin: ui.url, 'content-type': 'application/json' },
      body: JSON.stringify({ link }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const t0 = performance.now();
    await (await fetch(`${ui.url}/api/overview`, { headers: { cookie } })).json();
    api.push(performance.now() - t0);
    const context = await browser.newContext();
    const page = await context.newPage();
    const t1 = performance.now();
    await page.goto(`${ui.url}/`);
    await page.waitForSelector('#signin-title');
    shell.push(performance.now() - t1);
    await context.close();
  }
  await ui.close();
  state.close();
  await session.close();
  await Promise.all(services.map((s) => s.stop()));
  return { firstMs: first, warmMs: median(warm), apiMs: median(api), shellMs: median(shell) };
}

/** The first view's assets as served (gzip level 9, as static-files.ts serves them). */
function sizes() {
  const folder = join(appFolder('app'), 'assets');
  const gz = (file: string) => gzipSync(readFileSync(join(folder, file)), { level: 9 }).length;
  const files = readdirSync(folder);
  const first = files.filter((f) => f.startsWith('index-')).reduce((n, f) => n + gz(f), 0);
  const explorer = files.filter((f) => f.startsWith('ring-graph-')).reduce((n, f) => n + gz(f), 0);
  return { firstViewGzipBytes: first, explorerGzipBytes: explorer };
}

/** A ring of `n` tokens: communities of about 50, a few links across, kinds and edge types mixed. */
function syntheticRing(n: number): RingGraph {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const kinds = ['phone', 'bank_card', 'bank_account', 'device_id', 'im_account', 'url'];
  const types = ['call', 'transfer', 'login', 'co_report', 'registered_with'];
  const nodes = Array.from({ length: n }, (_, i) => ({
    index: i,
    token: `t${String(i).padStart(42, '0')}`,
    kind: kinds[i % kinds.length] as string,
    risk: random(),
    reported: i % 7 === 0,
    ...(i % 7 === 0 ? {} : { via: types[i % types.length] as string, from: i - (i % 7) }),
  }));
  const edges: RingGraph['edges'][number][] = [];
  for (let i = 1; i < n; i++) {
    const community = Math.floor(i / 50) * 50;
    for (let k = 0; k < 2; k++) {
      const to = community + Math.floor(random() * Math.min(50, i - community + 1));
      if (to !== i)
        edges.push({ from: i, to, type: types[(i + k) % types.length] as string, count: 1 });
    }
    if (random() < 0.05)
      edges.push({ from: i, to: Math.floor(random() * n), type: 'transfer', count: 2 });
  }
  return {
    id: 'ring-0000000000005000',
    score: 0.9,
    size: n,
    categories: ['fake_investment'],
    explanation: 'synthetic',
    nodes,
    edges,
  };
}

/** The app as the agent serves it, with one ring and a session, for the explorer alone. */
async function explorerServer(ring: RingGraph) {
  const app = Fastify({ logger: false });
  const cookie = 'bench-session-cookie-bench-session-cookie-b';
  const keeper: SessionKeeper = {
    redeemLoginLink: (token) => (token === 'bench' ? cookie : undefined),
    session: (value) =>
      value === cookie ? { csrf: csrfOf(cookie), expiresAt: Date.now() + 3_600_000 } : undefined,
    endSession: () => undefined,
  };
  let origins: ReadonlySet<string> = new Set();
  await useWebSessions(app, { state: keeper, origins: () => origins });
  app.get('/api/session', async () => ({
    member: { id: 'bench', name: 'Bench', type: 'bank' },
    role: 'member',
    language: 'en',
    csrf: csrfOf(cookie),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  }));
  app.get('/api/rings/:id', async () => ring);
  serveApp(app, { folder: appFolder('app') });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  origins = originsOf(url);
  return { url, close: () => app.close() };
}

/** Counts the page's frames (requestAnimationFrame) until `frames()` is read. */
async function countFrames(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(`(() => {
    window.__frames = 0;
    const tick = () => { window.__frames += 1; window.__raf = requestAnimationFrame(tick); };
    window.__raf = requestAnimationFrame(tick);
  })()`);
  return async () => {
    const frames = (await page.evaluate('window.__frames')) as number;
    await page.evaluate('cancelAnimationFrame(window.__raf)');
    return frames;
  };
}

/** The camera of the explorer's renderer (hung on its container for the tests). */
const CAMERA = `document.querySelector('.graph').explorer.getCamera()`;

/**
 * Frames per second while the graph is dragged across for `ms`; with `rest`, the hand
 * stops for `rest` ms after every 400 ms of moving (the explorer draws the graph again
 * when it rests). Throws unless the camera moved: a drag that does not pan is no frame.
 */
async function panFps(page: Page, ms: number, rest = 0): Promise<number> {
  const box = await page.locator('.graph').boundingBox();
  if (box === null) throw new Error('no graph');
  const before = JSON.stringify(await page.evaluate(`${CAMERA}.getState()`));
  const frames = await countFrames(page);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const start = performance.now();
  let step = 0;
  let moving = start;
  while (performance.now() - start < ms) {
    step++;
    await page.mouse.move(cx + 150 * Math.sin(step / 10), cy + 100 * Math.cos(step / 10));
    if (rest > 0 && performance.now() - moving > 400) {
      await page.waitForTimeout(rest);
      moving = performance.now();
    }
  }
  await page.mouse.up();
  const elapsed = performance.now() - start;
  const counted = await frames();
  await page.waitForTimeout(300);
  const after = JSON.stringify(await page.evaluate(`${CAMERA}.getState()`));
  if (after === before) throw new Error('the drag did not move the camera');
  return (counted * 1000) / elapsed;
}

/**
 * Frames per second while the camera moves on every frame by script: every frame draws
 * the whole graph, as sigma's own panning does (without its look-up of the node under
 * the mouse). The baseline the explorer's panning is measured against.
 */
async function redrawFps(page: Page, ms: number): Promise<number> {
  const frames = (await page.evaluate(`new Promise((done) => {
    const camera = ${CAMERA};
    const start = performance.now();
    let frames = 0;
    const tick = (now) => {
      frames += 1;
      const t = (now - start) / 1000;
      camera.setState({ x: 0.5 + 0.1 * Math.sin(t * 3), y: 0.5 + 0.1 * Math.cos(t * 3) });
      if (now - start < ${ms}) requestAnimationFrame(tick);
      else done(frames * 1000 / (now - start));
    };
    requestAnimationFrame(tick);
  })`)) as number;
  return frames;
}

async function explorer(browser: Browser, n: number) {
  const ring = syntheticRing(n);
  const server = await explorerServer(ring);
  const layouts: number[] = [];
  const fps: number[] = [];
  const resting: number[] = [];
  const redraw: number[] = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/rings/${ring.id}#login=bench`);
    const drawn = page.locator('[data-testid=explorer-drawn]');
    await drawn.waitFor({ timeout: 120_000 });
    const text = (await drawn.textContent()) ?? '';
    const nodes = Number(/(\d+) nodes/.exec(text)?.[1]);
    if (nodes !== n) throw new Error(`the explorer drew ${nodes} nodes of ${n}`);
    layouts.push(Number(/in (\d+) ms/.exec(text)?.[1]));
    await page.waitForTimeout(500);
    fps.push(await panFps(page, 3000));
    resting.push(await panFps(page, 3000, 200));
    redraw.push(await redrawFps(page, 3000));
    await context.close();
  }
  await server.close();
  return {
    layoutMs: median(layouts),
    fps: median(fps),
    restingFps: median(resting),
    redrawFps: median(redraw),
  };
}

const browser = await chromium.launch({ executablePath });
try {
  // --explorer-only: the explorer's figures alone (no demo), while working on the drawing.
  const first = process.argv.includes('--explorer-only')
    ? { firstMs: Number.NaN, warmMs: Number.NaN, apiMs: Number.NaN, shellMs: Number.NaN }
    : await overview(browser);
  const big = await explorer(browser, 5000);
  const middle = await explorer(browser, 1000);
  const small = await explorer(browser, 10);
  console.log(
    JSON.stringify({
      ...first,
      ...sizes(),
      layoutMs: big.layoutMs,
      fps: big.fps,
      restingFps: big.restingFps,
      redrawFps: big.redrawFps,
      redrawFps1000: middle.redrawFps,
      fps1000: middle.fps,
      layout1000Ms: middle.layoutMs,
      baselineFps: small.fps,
      smallLayoutMs: small.layoutMs,
    }),
  );
} finally {
  await browser.close();
}
