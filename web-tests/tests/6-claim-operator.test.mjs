// A buyer's claim, rejected by the seller, escalated and decided for the buyer by an operator; the
// operator's other pages (tickets, FX rates, gift cards, ledger check) work too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, shot, login, logout, orderProduct, orderStatus, BUYER, SELLER, OPERATOR } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

test('a buyer claim decided by an operator', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  const order = await orderProduct(page, shop.base, 'Field notebook, 3 pack');
  await page.getByLabel(/My Pocket/).check();
  await page.getByRole('button', { name: 'Pay $12.50' }).click();
  await page.waitForURL(/notice=paid/);
  const orderId = order.split('/').pop();
  await logout(page);

  await login(page, shop.base, SELLER);
  await page.goto(`${shop.base}/seller/orders/${orderId}`);
  await page.getByLabel('Carrier').fill('USPS');
  await page.getByLabel('Tracking number').fill('9400100000000000000000');
  await page.getByRole('button', { name: 'Mark as shipped' }).click();
  await page.waitForURL(/notice=shipped/);
  await page.getByRole('button', { name: 'Mark as delivered' }).click();
  await page.waitForURL(/notice=delivered/);
  await logout(page);

  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}${order}`);
  await page.getByText('Open a claim').click();
  await page.getByLabel('What went wrong?').selectOption('damaged');
  await page.getByLabel('Amount to claim (USD)').fill('12.50');
  await page.getByLabel('Describe the problem').fill('Two of the three notebooks arrived soaked.');
  await page.getByRole('button', { name: 'Open claim' }).click();
  await page.waitForURL(/notice=claim_opened/);
  assert.match(await page.locator('.claim').innerText(), /awaiting seller/);
  await logout(page);

  await login(page, shop.base, SELLER);
  await page.goto(`${shop.base}/seller/claims`);
  await page.getByLabel('Your answer').selectOption('reject');
  await page.getByLabel('Message to the buyer').fill('They left us dry.');
  await shot(page, 'seller-claims');
  await page.getByRole('button', { name: 'Send answer' }).click();
  await page.waitForURL(/notice=answered/);
  await logout(page);

  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}${order}`);
  assert.match(await page.locator('.claim').innerText(), /rejected/);
  await page.getByRole('button', { name: 'Ask Pocketpay to decide' }).click();
  await page.waitForURL(/notice=escalated/);
  assert.match(await page.locator('.claim').innerText(), /under review/);
  await logout(page);

  await login(page, shop.base, OPERATOR);
  assert.match(new URL(page.url()).pathname, /^\/operator$/);
  await shot(page, 'operator-claims');
  await page.getByLabel('Decision').selectOption('buyer');
  await page.getByLabel('Refund amount (USD)').fill('12.50');
  await page.getByRole('button', { name: 'Decide' }).click();
  await page.waitForURL(/notice=resolved/);

  await page.getByRole('link', { name: 'Ledger' }).click();
  assert.equal((await page.locator('.ledger-result').innerText()).trim(), 'Balanced');
  await shot(page, 'operator-ledger');
  await page.getByRole('link', { name: 'FX rates' }).click();
  await page.getByLabel('From currency').fill('USD');
  await page.getByLabel('To currency').fill('GBP');
  await page.getByLabel('Units of To for one From').fill('0.7901');
  await page.getByRole('button', { name: 'Save rate' }).click();
  await page.waitForURL(/notice=rate_set/);
  assert.match(await page.locator('table').innerText(), /USD\s+GBP\s+0\.7901/);
  await shot(page, 'operator-fx');
  await logout(page);

  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}${order}`);
  assert.match(await page.locator('.claim').innerText(), /resolved/);
  assert.match(await page.locator('main').innerText(), /\$12\.50\s+(original|pocket)\s+succeeded/);
  assert.equal(await orderStatus(page), 'delivered');
  await shot(page, 'order-claim-resolved');
  await page.close();
});

test('an operator looks up a gift code and blocks it; the buyer cannot redeem it', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}/gift-cards/buy`);
  await page.getByLabel('$10.00 cards', { exact: true }).fill('1');
  await page.getByLabel('Send as a gift').check();
  await page.getByLabel("Recipient's email (for a gift)").fill('someone@example.com');
  await page.getByLabel('Visa •••• 4242').check();
  await page.getByRole('button', { name: 'Buy gift cards' }).click();
  const code = (await page.locator('.gift-code').innerText()).trim();
  await logout(page);

  await login(page, shop.base, OPERATOR);
  await page.goto(`${shop.base}/operator/gift-cards`);
  await page.getByLabel('Gift card code').fill(code);
  await page.getByRole('button', { name: 'Look up' }).click();
  assert.match(await page.locator('.gift-card').innerText(), /active/);
  await page.getByLabel('Why?').fill('Reported stolen by the buyer');
  await page.getByRole('button', { name: 'Block this code' }).click();
  assert.match(await page.locator('.gift-card').innerText(), /blocked/);
  await shot(page, 'operator-gift-card');
  await logout(page);

  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}/gift-cards/redeem`);
  await page.getByLabel('Gift card code').fill(code);
  await page.getByRole('button', { name: 'Load into my Pocket' }).click();
  assert.match(await page.locator('.error').innerText(), /not valid/);
  await page.close();
});
