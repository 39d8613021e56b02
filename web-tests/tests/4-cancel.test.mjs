// A buyer cancels before shipping: the order is canceled and the Pocket hold released in full.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, shot, login, orderProduct, orderStatus, BUYER } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

test('cancel before shipping releases the Pocket hold', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  const order = await orderProduct(page, shop.base, 'Cast-iron skillet');
  await page.getByLabel(/My Pocket/).check();
  await page.getByRole('button', { name: 'Pay $55.00' }).click();
  await page.waitForURL(new RegExp(`${order}\\?notice=paid$`));
  await page.goto(`${shop.base}/pocket`);
  assert.match(await page.locator('.pocket-balance').first().innerText(), /\$95\.00/);

  await page.getByRole('link', { name: 'My Orders' }).click();
  await shot(page, 'my-orders');
  await page.locator(`a[href="${order}"]`).click();
  await page.getByLabel('Why are you canceling?').fill('Found it cheaper');
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await page.waitForURL(/notice=canceled/);
  assert.equal(await orderStatus(page), 'canceled');
  await shot(page, 'order-canceled');

  await page.goto(`${shop.base}/pocket`);
  assert.match(await page.locator('.pocket-balance').first().innerText(), /\$150\.00/);
  assert.match(await page.locator('main').innerText(), /Held for orders not yet shipped: \$0\.00/);
  await page.close();
});
