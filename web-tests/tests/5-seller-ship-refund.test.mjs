// A seller ships an order (the payment is captured) and refunds part of it to the buyer's Pocket.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, shot, login, logout, orderProduct, orderStatus, BUYER, SELLER } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

test('a seller ships and refunds', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  const order = await orderProduct(page, shop.base, 'Canvas tote bag');
  await page.getByLabel('Visa •••• 4242').check();
  await page.getByRole('button', { name: 'Pay $24.00' }).click();
  await page.waitForURL(/notice=paid/);
  const orderId = order.split('/').pop();
  await logout(page);

  await login(page, shop.base, SELLER);
  await page.goto(`${shop.base}/seller`);
  assert.match(await page.locator('main').innerText(), /Orders to ship: 1/);
  await shot(page, 'seller-home');
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await shot(page, 'seller-orders');
  await page.locator(`a[href="/seller/orders/${orderId}"]`).click();
  await page.getByLabel('Carrier').fill('UPS');
  await page.getByLabel('Tracking number').fill('1Z999AA10123456784');
  await page.getByRole('button', { name: 'Mark as shipped' }).click();
  await page.waitForURL(/notice=shipped/);
  assert.equal(await orderStatus(page), 'shipped');
  assert.match(await page.locator('dl.facts').innerText(), /Captured\s+\$24\.00/);

  await page.getByLabel('Amount (USD)').fill('10.00');
  await page.getByLabel('Reason').fill('Scuffed corner');
  await page.getByLabel('Refund to').selectOption('pocket');
  await page.getByRole('button', { name: 'Refund' }).click();
  await page.waitForURL(/notice=refunded/);
  assert.match(await page.locator('main').innerText(), /\$10\.00\s+pocket\s+succeeded/);
  await shot(page, 'seller-order-refunded');
  await page.goto(`${shop.base}/seller`);
  // 24.00 less the 5 % fee (1.20), less the 10.00 refund with its share of the fee back (9.50):
  // 13.30, pending until the buyer can no longer claim; nothing is available yet.
  assert.match(await page.locator('.payable').innerText(), /\$0\.00/);
  assert.match(await page.locator('main').innerText(), /\$13\.30 pending/);

  await page.goto(`${shop.base}/seller/products`);
  await page.getByLabel('Name').fill('Linen apron');
  await page.getByLabel('Price (USD)').fill('31.50');
  await page.getByLabel('Stock (optional)').fill('5');
  await page.getByRole('button', { name: 'Put on sale' }).click();
  await page.waitForURL(/notice=product_created/);
  assert.match(await page.locator('main').innerText(), /Linen apron\s+\$31\.50\s+5/);
  await shot(page, 'seller-products');
  await logout(page);

  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}/pocket`);
  assert.match(await page.locator('.pocket-balance').first().innerText(), /\$160\.00/);
  assert.match(await page.locator('table.history').innerText(), /refund · order PP-\d+\s+\$10\.00/);
  await page.close();
});
