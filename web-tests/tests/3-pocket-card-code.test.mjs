// Checkout with the Pocket for part and a card for the rest, where the bank asks for a code: a
// wrong code is refused with the tries left, the right one authorizes; the Pocket part is held.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, inboxCode, shot, login, fillCard, orderProduct, orderStatus, errorText, BUYER, BUYER_PHONE } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

test('Pocket + card with a verification code', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  const order = await orderProduct(page, shop.base, 'Ceramic pour-over set');
  await page.getByLabel('Another card').check();
  await fillCard(page, '4000002760003184');
  await page.getByLabel('Pay this much from my Pocket').fill('30.00');
  await page.getByRole('button', { name: 'Pay $68.00' }).click();

  await page.waitForURL(/\/payments\/pay_[^/]+\/verify$/);
  await shot(page, 'verify-code');
  await page.getByLabel('Code').fill('999999');
  await page.getByRole('button', { name: 'Confirm payment' }).click();
  assert.match(await errorText(page), /code/i);
  assert.match(await page.locator('main').innerText(), /Tries left: 4/);
  await page.getByLabel('Code').fill(await inboxCode(shop.base, BUYER, BUYER_PHONE));
  await page.getByRole('button', { name: 'Confirm payment' }).click();
  await page.waitForURL(new RegExp(`${order}\\?notice=paid$`));
  assert.equal(await orderStatus(page), 'paid');
  const facts = await page.locator('dl.facts').innerText();
  assert.match(facts, /Pocket \$30\.00/);
  assert.match(facts, /Visa •••• 3184 \$38\.00/);

  await page.getByRole('link', { name: 'My Pocket' }).click();
  assert.match(await page.locator('.pocket-balance').first().innerText(), /\$120\.00/);
  assert.match(await page.locator('main').innerText(), /Held for orders not yet shipped: \$30\.00/);
  await page.close();
});
