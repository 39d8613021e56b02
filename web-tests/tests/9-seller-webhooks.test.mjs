// A seller adds a webhook endpoint (a receiver in this test), copies its secret, sees an event
// delivered and signed, and sends it again from the endpoint's log.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { startShop, launchBrowser, shot, login, logout, orderProduct, BUYER, SELLER } from '../lib/harness.mjs';

let shop;
let browser;
let receiver;
const got = [];
before(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push({ id: req.headers['pocketpay-event-id'], signature: req.headers['pocketpay-signature'], body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  shop = await startShop();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await shop?.stop(); receiver?.close(); });

async function until(check) {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 100));
  assert.ok(check());
}

test('a seller receives signed events and sends one again', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  const url = `http://127.0.0.1:${receiver.address().port}/hooks`;
  await login(page, shop.base, SELLER);
  await page.goto(`${shop.base}/seller`);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByLabel('URL', { exact: true }).fill(url);
  await page.getByLabel('All events').uncheck();
  await page.getByLabel('order.created').check();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = (await page.locator('.secret').innerText()).trim();
  assert.match(secret, /^whsec_[0-9a-f]{64}$/);
  await shot(page, 'seller-webhook-secret');
  await page.getByRole('link', { name: 'Go to the endpoint' }).click();
  const endpointPage = page.url();
  await logout(page);

  await login(page, shop.base, BUYER);
  await orderProduct(page, shop.base, 'Canvas tote bag');
  await logout(page);
  await until(() => got.length === 1);
  const [t, v1] = got[0].signature.split(',').map((p) => p.split('=')[1]);
  const expected = crypto.createHmac('sha256', secret).update(`${t}.${got[0].body}`).digest('hex');
  assert.equal(v1, expected, 'the signature verifies with the secret shown once');
  assert.equal(JSON.parse(got[0].body).type, 'order.created');

  await login(page, shop.base, SELLER);
  await page.goto(endpointPage);
  assert.match(await page.locator('table.deliveries').innerText(), /succeeded\s+HTTP 200/);
  await page.getByRole('button', { name: 'Send again' }).first().click();
  await page.waitForURL(/notice=redelivered/);
  await until(() => got.length === 2);
  assert.equal(got[1].id, got[0].id, 'the same event, by its id');
  await page.reload();
  await shot(page, 'seller-webhook-deliveries');
  await page.getByRole('button', { name: 'Disable' }).click();
  await page.waitForURL(/notice=endpoint_disabled/);
  assert.equal((await page.locator('.endpoint-status').innerText()).trim(), 'disabled');
  await page.close();
});
