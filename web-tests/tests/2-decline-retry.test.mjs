// A payment declined for insufficient funds shows the message and advice of the decline table next
// to the payment choice; nothing is held; the retry with another (saved) card succeeds.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, inboxCode, shot, login, fillCard, orderProduct, orderStatus, BUYER, BUYER_PHONE } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

test('a decline is shown with its advice, then another card pays', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}/`);
  await shot(page, 'shop');
  const order = await orderProduct(page, shop.base, 'Wool beanie');
  await shot(page, 'checkout');

  await page.getByLabel('Another card').check();
  await fillCard(page, '4000000000009995');
  await page.getByRole('button', { name: /^Pay / }).click();
  // A card typed at checkout asks for a one-time code first.
  await page.waitForURL(/\/payments\/pay_[^/]+\/verify$/);
  await page.getByLabel('Code').fill(await inboxCode(shop.base, BUYER, BUYER_PHONE));
  await page.getByRole('button', { name: 'Confirm payment' }).click();

  const error = page.locator('#payment-error');
  await error.waitFor();
  assert.equal(await error.getAttribute('data-decline-code'), 'insufficient_funds');
  assert.match(await error.innerText(), /Your card has insufficient funds\./);
  assert.match(await error.locator('.advice').innerText(), /Pocket balance or another card/);
  assert.equal(await page.getByLabel('Card number').inputValue(), '', 'the number is never put back in the page');
  await shot(page, 'checkout-declined');

  await page.getByLabel('Mastercard •••• 4444').check();
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.waitForURL(new RegExp(`${order}\\?notice=paid$`));
  assert.equal(await orderStatus(page), 'paid');
  assert.match(await page.locator('dl.facts').innerText(), /Mastercard •••• 4444 \$29\.00/);
  await shot(page, 'order-paid');
  await page.close();
});
