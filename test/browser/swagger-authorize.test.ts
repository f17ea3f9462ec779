import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { tempDir, testDatabaseUrl } from '../helpers.js';
import { type ServerProcess, startServer } from '../process.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const CLIENT = { id: 'swagger-client', secret: 'swagger-secret-0123456789abcdef0123456789' };

describe('Swagger UI in a real browser', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  const { dir, cleanup } = tempDir();

  before(async () => {
    server = await startServer({
      DATABASE_URL: testDatabaseUrl(dir),
      BOOTSTRAP_CLIENT_ID: CLIENT.id,
      BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
    });
    // Playwright gives the browser a fresh, empty profile of its own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  test('/docs renders offline; Authorize gets a token; Try it out on POST /players/ answers 201', async () => {
    const page = await browser.newPage();
    const offsite: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) offsite.push(request.url());
    });
    await page.goto(`${server.url}/docs/`, { waitUntil: 'networkidle' });
    await page.getByText('Players API', { exact: false }).first().waitFor();
    assert.deepEqual(offsite, [], 'no request leaves the server (no CDN)');

    await page
      .getByRole('button', { name: /Authorize/ })
      .first()
      .click();
    const flow = page.locator('.auth-container').filter({ hasText: 'clientCredentials' });
    await flow.locator('input[id^="client_id"]').fill(CLIENT.id);
    await flow.locator('input[id^="client_secret"]').fill(CLIENT.secret);
    await flow.getByText('write', { exact: true }).click();
    await flow.locator('button.authorize').click();
    await flow.locator('button', { hasText: 'Logout' }).waitFor();
    await page.locator('.auth-wrapper button.btn-done, .modal-ux button.btn-done').first().click();

    const operation = page.locator('#operations-players-post_players_');
    await operation.locator('.opblock-summary-control').click();
    // tryItOutEnabled: operations open ready to edit; the button then reads "Cancel".
    await operation.locator('button.try-out__btn', { hasText: 'Cancel' }).waitFor();
    await operation
      .locator('.opblock-section-request-body textarea')
      .first()
      .fill(
        JSON.stringify({
          firstName: 'Swagger',
          lastName: 'User',
          squadNumber: 91,
          position: 'Forward',
        }),
      );
    await operation.locator('button.execute').click();
    const status = operation
      .locator('.live-responses-table tr.response td.response-col_status')
      .first();
    await status.waitFor();
    assert.equal((await status.textContent())?.trim(), '201');

    await status.scrollIntoViewIfNeeded();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-authorize.png'), fullPage: false });
    const stored = await fetch(`${server.url}/players/squadnumber/91`);
    assert.equal(stored.status, 200, 'the player really was created');
  });
});
