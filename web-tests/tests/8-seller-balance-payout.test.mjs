// A seller sees a sale become available once the buyer confirms receipt, adds a bank account, and
// pays the money out; the payout arrives on the test clock.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, shot, login, logout, orderProduct, BUYER, SELLER, OPERATOR } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

async function balanceFacts(page) {
  return page.locator('dl.facts').innerText();
}

test('a seller sees a sale become available and pays it out', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  // The seller first chooses to be paid only when asking, and adds a bank account.
  await login(page, shop.base, SELLER);
  await page.goto(`${shop.base}/seller`);
  await page.getByRole('link', { name: 'Balance and payouts' }).click();
  await page.getByLabel('Pay out', { exact: true }).selectOption('manual');
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await page.waitForURL(/notice=schedule_saved/);
  await page.getByLabel('Account holder').fill('Demo Shop LLC');
  await page.getByLabel('Country (two letters)').fill('US');
  await page.getByLabel('Currency').fill('USD');
  await page.getByLabel('Account number (US)').fill('000123456789');
  await page.getByLabel('Routing number (US)').fill('110000000');
  await page.getByRole('button', { name: 'Add bank account' }).click();
  await page.waitForURL(/notice=bank_account_added/);
  assert.match(await page.locator('.bank-account').innerText(), /US account ending 6789/);
  assert.ok(!(await page.content()).includes('000123456789'), 'the account number is never shown');
  await logout(page);

  // A buyer pays 24.00; the seller ships and marks it delivered.
  await login(page, shop.base, BUYER);
  const order = await orderProduct(page, shop.base, 'Canvas tote bag');
  await page.getByLabel('Visa •••• 4242').check();
  await page.getByRole('button', { name: 'Pay $24.00' }).click();
  await page.waitForURL(/notice=paid/);
  const orderId = order.split('/').pop();
  await logout(page);
  await login(page, shop.base, SELLER);
  await page.goto(`${shop.base}/seller/orders/${orderId}`);
  await page.getByLabel('Carrier').fill('UPS');
  await page.getByLabel('Tracking number').fill('1Z999AA10123456784');
  await page.getByRole('button', { name: 'Mark as shipped' }).click();
  await page.waitForURL(/notice=shipped/);
  await page.getByRole('button', { name: 'Mark as delivered' }).click();
  await page.waitForURL(/notice=delivered/);
  await page.goto(`${shop.base}/seller/balance`);
  // 24.00 less the 5 % fee: 22.80, pending while the buyer may still claim.
  assert.match(await balanceFacts(page), /Available to pay out\s+\$0\.00\s+Pending\s+\$22\.80/);
  assert.match(await page.locator('table.transactions').innerText(), /Charge[\s\S]*\$24\.00\s+\$1\.20\s+\$22\.80\s+pending/i);
  await shot(page, 'seller-balance-pending');
  await logout(page);

  // The buyer confirms receipt: the sale is the seller's.
  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}${order}`);
  await page.getByRole('button', { name: 'I received it' }).click();
  await page.waitForURL(/notice=confirmed/);
  await logout(page);

  await login(page, shop.base, SELLER);
  await page.goto(`${shop.base}/seller/balance`);
  for (let i = 0; i < 50 && !/Available to pay out\s+\$22\.80/.test(await balanceFacts(page)); i += 1) {
    await page.waitForTimeout(100);
    await page.reload();
  }
  assert.match(await balanceFacts(page), /Available to pay out\s+\$22\.80/);
  await page.getByLabel('Amount (USD)').fill('22.80');
  await page.getByRole('button', { name: 'Pay out', exact: true }).click();
  await page.waitForURL(/notice=payout_created/);
  assert.match(await balanceFacts(page), /Available to pay out\s+\$0\.00/);
  assert.match(await page.locator('table.payouts').innerText(), /\$22\.80/);
  await shot(page, 'seller-balance-payout');

  // Two business days later (the test clock moves four calendar days), the money has arrived.
  for (const seconds of [1, 4 * 86_400 + 1]) {
    const moved = await fetch(`${shop.base}/v1/test/clock`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_seconds: seconds }),
    });
    assert.equal(moved.status, 200);
  }
  await page.goto(`${shop.base}/seller/balance`);
  assert.match(await page.locator('table.payouts').innerText(), /\$22\.80\s+paid/i);
  await shot(page, 'seller-balance-paid');
  await logout(page);

  // An operator sees the seller's balance, sets their fee schedule and pauses their payouts.
  await login(page, shop.base, OPERATOR);
  await page.getByRole('link', { name: 'Sellers' }).click();
  await shot(page, 'operator-sellers');
  await page.locator('table.balances a').first().click();
  await page.getByLabel('Fee (percent of each sale)').fill('2.9');
  await page.getByLabel('Fixed part per sale (USD)').fill('0.30');
  await page.getByRole('button', { name: 'Save fees' }).click();
  await page.waitForURL(/notice=fees_saved/);
  assert.match(await page.locator('main').innerText(), /This seller's own schedule applies/);
  await page.getByRole('button', { name: 'Pause payouts' }).click();
  await page.waitForURL(/notice=payouts_paused/);
  assert.equal((await page.locator('.payouts-state').innerText()).trim(), 'paused');
  await shot(page, 'operator-seller');
  await logout(page);

  // The seller is told on their page.
  await login(page, shop.base, SELLER);
  await page.goto(`${shop.base}/seller/balance`);
  assert.match(await page.locator('main').innerText(), /Your payouts are paused by the platform/);
  await page.close();
});
