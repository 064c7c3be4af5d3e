// The web dashboard in a real browser (Debian's chromium, driven by playwright-core) against a real `podlet serve`:
// log in with the link of `podlet dashboard`, watch a pod become Running without a reload, open its page, its
// sharing picture and its live log, and the node page. Screenshots go to test-artifacts/dashboard/; the README's
// pictures to docs/images/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { useCluster } from '../e2e/support/cluster.js';
import { podlet, REPO, TEST_IMAGE } from '../integration/support/podlet-process.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO, 'test-artifacts', 'dashboard');
const README_IMAGES = join(REPO, 'docs', 'images');
const suffix = randomBytes(3).toString('hex');
const POD = `ticker-${suffix}`;
const CONFIG = `ticker-config-${suffix}`;

/**
 * A pod that prints a line a second. Its configMap volume names a configMap that does not exist yet, so the pod
 * waits in ContainerCreating (FailedMount) until the test creates it: the page shows both states for certain.
 */
const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: ${POD}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: ticker
    image: ${TEST_IMAGE}
    imagePullPolicy: Never
    command: ['sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 1; done']
    readinessProbe:
      exec: { command: ['cat', '/config/greeting'] }
      periodSeconds: 2
    volumeMounts:
    - { name: config, mountPath: /config, readOnly: true }
    - { name: scratch, mountPath: /scratch }
  - name: helper
    image: ${TEST_IMAGE}
    imagePullPolicy: Never
    command: ['sleep', '3600']
    volumeMounts:
    - { name: scratch, mountPath: /work }
  volumes:
  - name: config
    configMap: { name: ${CONFIG} }
  - name: scratch
    emptyDir: {}
`;

interface LoginLink {
  url: string;
}

async function loginLink(dataDir: string): Promise<string> {
  const out = await podlet(['dashboard', '--no-open', '--json', '--data-dir', dataDir]);
  return (JSON.parse(out) as LoginLink).url;
}

async function screenshot(page: Page, name: string, readme = false): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (readme) await page.screenshot({ path: join(README_IMAGES, `dashboard-${name}.png`), fullPage: true });
}

describe('the web dashboard in chromium', () => {
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await mkdir(README_IMAGES, { recursive: true });
    // Root cannot use chromium's sandbox; the browser only ever visits the podlet this test started.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  after(async () => {
    if (page !== undefined) await screenshot(page, 'last').catch(() => undefined);
    await browser?.close();
  });
  // Registered after the browser's hooks, so the browser closes before the cluster goes.
  const cluster = useCluster();

  test('refuses a visitor without a login: a 401 page that names `podlet dashboard`', async () => {
    const anonymous = await browser!.newContext({ ignoreHTTPSErrors: true });
    try {
      const visit = await anonymous.newPage();
      const server = new URL(await loginLink(cluster.instance.dataDir)).origin;
      const reply = await visit.goto(`${server}/ui/`);
      assert.equal(reply?.status(), 401);
      assert.match(await visit.content(), /podlet dashboard/);
    } finally {
      await anonymous.close();
    }
  });

  test('logs in with the one-time link, which then works no more', async () => {
    const url = await loginLink(cluster.instance.dataDir);
    await page.goto(url);
    assert.equal(new URL(page.url()).pathname, '/ui/');
    await page.getByRole('heading', { name: 'Pods' }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'podlet-session');
    assert.ok(session, 'a session cookie was set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');
    const other = await browser!.newContext({ ignoreHTTPSErrors: true });
    try {
      const reply = await (await other.newPage()).goto(url);
      assert.equal(reply?.status(), 401, 'a used link logs nobody else in');
    } finally {
      await other.close();
    }
  });

  test('shows a new pod go from ContainerCreating to Running without a reload', async () => {
    await page.evaluate(() => Object.assign(globalThis, { podletNoReload: true }));
    await cluster.ok(['apply', '-f', '-'], { input: MANIFEST });
    const status = page.locator(`tr[data-pod="${POD}"] [data-testid="status"]`);
    await status.filter({ hasText: 'ContainerCreating' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'pods-creating');
    await cluster.ok(['create', 'configmap', CONFIG, '--from-literal=greeting=hello']);
    await status.filter({ hasText: 'Running' }).waitFor({ timeout: 90_000 });
    const sameDocument = await page.evaluate(
      () => (globalThis as { podletNoReload?: boolean }).podletNoReload,
    );
    assert.equal(sameDocument, true, 'the page was not reloaded');
    await screenshot(page, 'pods', true);
  });

  test("opens the pod's page: containers, its sharing picture and a log line appearing", async () => {
    await page.getByRole('link', { name: POD }).click();
    await page.getByRole('heading', { name: new RegExp(POD) }).waitFor();
    const containers = page.getByTestId('containers');
    await containers.getByText('ticker').waitFor();
    await containers.getByText('helper').waitFor();
    await containers.getByText('readiness: exec [cat /config/greeting]').waitFor();
    const picture = page.getByTestId('sharing');
    await picture.locator('[data-room="ticker"]').waitFor({ timeout: 60_000 });
    await picture.locator('[data-room="helper"]').waitFor();
    // The emptyDir both containers mount is a corridor with a door into each; net is an outer wall.
    assert.equal(await picture.locator('[data-volume="scratch"] line.door').count(), 2);
    assert.equal(await picture.locator('.wall-net').count(), 1);
    const log = page.getByTestId('log');
    await log.filter({ hasText: /tick \d+/ }).waitFor({ timeout: 30_000 });
    const first = Number(/tick (\d+)\s*$/.exec((await log.textContent()) ?? '')?.[1]);
    // A line written after the page opened shows up on its own: the log is followed, not fetched once.
    await log.filter({ hasText: `tick ${first + 2}` }).waitFor({ timeout: 30_000 });
    // Two samples of the metrics API (one each METRICS_WINDOW_MS) make a line.
    // An idle container's line is flat, without height, which Playwright counts as hidden: wait for it to exist.
    const line = page.getByTestId('usage').locator('polyline').first();
    await line.waitFor({ state: 'attached', timeout: 60_000 });
    assert.ok(((await line.getAttribute('points')) ?? '').trim().split(/\s+/).length >= 2);
    await screenshot(page, 'pod', true);
  });

  test('shows the node with its capacity and allocatable', async () => {
    await page.getByRole('link', { name: 'Node' }).click();
    const capacity = page.getByTestId('capacity');
    await capacity.waitFor();
    const text = (await capacity.textContent()) ?? '';
    assert.match(text, /cpu/);
    assert.match(text, /memory/);
    assert.match(text, /pods/);
    await screenshot(page, 'node');
  });
});
