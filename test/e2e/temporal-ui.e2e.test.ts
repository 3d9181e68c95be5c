import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organiserHint } from '../../common/status.js';
import { integrationWorkflowId } from '../../common/task-queues.js';
import { connectOverApi, pauseForOrganiser } from '../support/operator-scenarios.js';
import { startStack, type Stack } from '../support/stack.js';

/** Debian's Chromium, installed by scripts/install.sh; nothing here ever downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts/temporal-ui');
const PAUSED = 'ui-paused';
const HEALTHY = 'ui-healthy';

let stack: Stack;
let browser: BrowserContext;
let page: Page;
/** Every request the page tried outside the loopback stack; each one is refused. */
const outsideRequests: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/install.sh (apt-get install -y chromium)`);
  }
  stack = await startStack({
    dir: mkdtempSync(join(tmpdir(), 'greenroom-e2e-ui-')),
    withUi: true,
  });
  await connectOverApi(stack, HEALTHY);
  const app = await connectOverApi(stack, PAUSED);
  await pauseForOrganiser(stack, app, PAUSED, 'app_disabled');

  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'greenroom-ui-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
  });
  browser.setDefaultTimeout(60_000);
  await browser.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    outsideRequests.push(url);
    return route.abort();
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

function isLoopback(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:')) return true;
  const { hostname } = new URL(url);
  return hostname === '127.0.0.1' || hostname === 'localhost';
}

async function saveScreenshot(name: string): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

/**
 * The UI renders summaries and details (markdown) each in a frame of its own, out of reach of
 * the page's text locators: this reads every frame's text, in page order.
 */
async function renderedMarkdown(): Promise<string> {
  const frames = page.locator('iframe');
  const texts: string[] = [];
  for (let index = 0; index < (await frames.count()); index += 1) {
    texts.push(await frames.nth(index).contentFrame().locator('body').innerText());
  }

  return texts.join('\n');
}

/** The address of one tab of the workflow's page in its current run, opened directly. */
async function workflowTab(eventId: string, tab: 'user-metadata' | 'search-attributes') {
  const workflowId = integrationWorkflowId(eventId);
  const { runId } = await stack.client.workflow.getHandle(workflowId).describe();
  const path = `workflows/${encodeURIComponent(workflowId)}/${runId}/${tab}`;

  return `${stack.uiUrl}/namespaces/default/${path}`;
}

describe('the Temporal UI of the dev server, in headless Chromium', () => {
  it('lists the paused integration, and only it, under the needs-organiser filter', async () => {
    const filter = 'ExecutionStatus = "Running" AND GreenroomStatus = "needs_organiser"';
    await page.goto(
      `${stack.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(filter)}`,
    );
    await page.getByText(integrationWorkflowId(PAUSED), { exact: true }).first().waitFor();

    expect(await page.getByText(integrationWorkflowId(HEALTHY)).count()).toBe(0);
    await saveScreenshot('needs-organiser-list');
  });

  it('shows the status, the cause and the hint for the organiser on the workflow', async () => {
    await page.goto(await workflowTab(PAUSED, 'user-metadata'));
    // Current details come from the running worker, a moment after the page itself.
    const hint = `Hint for the organiser: ${organiserHint('app_disabled')}`;
    await expect.poll(renderedMarkdown, { timeout: 60_000 }).toContain(hint);

    const shown = await renderedMarkdown();
    expect(shown).toContain(`Zoom token lifecycle of event ${PAUSED}`);
    expect(shown).toContain(`Zoom integration of event ${PAUSED}: needs_organiser`);
    expect(shown).toContain('Cause: app_disabled.');
    await saveScreenshot('needs-organiser-details');
  });

  it('shows the search attributes an operator filters on', async () => {
    await page.goto(await workflowTab(PAUSED, 'search-attributes'));
    await page.getByText('"GreenroomRefusalCause": "app_disabled"').first().waitFor();

    expect(await page.locator('main').innerText()).toContain(
      '"GreenroomStatus": "needs_organiser"',
    );
    await saveScreenshot('needs-organiser-search-attributes');
  });

  it('sent nothing beyond the loopback stack', () => {
    expect(outsideRequests).toEqual([]);
  });
});
