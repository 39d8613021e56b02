// Lists page through everything: a seller with 150 products and 150 orders reads them all, page by
// page, and the one paid order (the oldest, far past the first 100) waits on the seller's home.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, inboxCode, shot, login, BUYER, PASSWORD } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

async function api(path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${shop.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const answer = { status: res.status, body: await res.json() };
  assert.ok(res.status < 300, `${path}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

const ADDRESS = { name: 'Dana Buyer', line1: '1 Main St', city: 'Reno', postal_code: '89501', country: 'US' };

/** Follows "Next page" to the end; returns the texts of the rows `selector` finds on every page. */
async function readAllPages(page, selector) {
  const rows = [];
  for (;;) {
    rows.push(...await page.locator(selector).allInnerTexts());
    const next = page.locator('nav.pager a[rel=next]');
    if (await next.count() === 0) return rows;
    await next.click();
    await page.waitForLoadState();
  }
}

test('150 products and 150 orders, paged through; the seller home says what to do', async () => {
  const seller = 'lamp-seller@example.com';
  await api('/v1/users', { email: seller, password: PASSWORD, country: 'US' });
  await api('/v1/users/verify_email', { email: seller, code: await inboxCode(shop.base, seller) });
  const session = await api('/v1/sessions', { email: seller, password: PASSWORD });
  const shopKey = (await api('/v1/merchants', { name: 'Lamp House', country: 'US', currency: 'USD' }, session.token)).secret_key;
  const products = [];
  for (let i = 0; i < 150; i += 1) {
    products.push((await api('/v1/products', { name: `Lamp ${i}`, amount: 100 + i, currency: 'USD' }, shopKey)).id);
  }
  const buyer = (await api('/v1/sessions', { email: BUYER, password: PASSWORD })).token;
  const orders = [];
  for (const product of products) {
    const order = await api('/v1/orders', { items: [{ product, quantity: 1 }], shipping_address: ADDRESS }, buyer);
    orders.push(order);
  }
  // The oldest order is paid: the old pages read the newest 100 and never saw it.
  const paid = await api(`/v1/orders/${orders[0].id}/pay`, { payment_method: { type: 'pocket' } }, buyer);
  assert.equal(paid.status, 'requires_capture');

  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, seller);
  assert.equal(new URL(page.url()).pathname, '/seller', 'a seller lands on their shop');
  const home = await page.locator('main').innerText();
  assert.match(home, /Orders to ship: 1/);
  assert.match(home, new RegExp(orders[0].number));
  assert.match(home, /No claims waiting for your answer/);
  const menu = page.getByRole('navigation', { name: 'Selling' });
  assert.equal(await menu.getByRole('link', { name: 'Home' }).getAttribute('aria-current'), 'page');
  await shot(page, 'seller-home-to-do');

  await menu.getByRole('link', { name: 'Products' }).click();
  assert.equal(await page.locator('main tbody tr').count(), 25, 'a page shows one page');
  const names = await readAllPages(page, 'main tbody tr td:first-child');
  assert.equal(names.length, 150);
  assert.equal(new Set(names).size, 150);
  assert.equal(names[0], 'Lamp 149');
  assert.equal(names[149], 'Lamp 0');
  await shot(page, 'seller-products-last-page');
  await page.locator('nav.pager a[rel=prev]').click();
  assert.equal(await page.locator('main tbody tr td:first-child').first().innerText(), 'Lamp 49');

  await page.getByRole('navigation', { name: 'Selling' }).getByRole('link', { name: 'Orders' }).click();
  const numbers = await readAllPages(page, 'main tbody tr td:first-child');
  assert.equal(numbers.length, 150);
  assert.equal(numbers[149], orders[0].number);
  await page.getByRole('navigation', { name: 'Filter' }).getByRole('link', { name: 'To ship' }).click();
  assert.deepEqual(await page.locator('main tbody tr td:first-child').allInnerTexts(), [orders[0].number]);
  await shot(page, 'seller-orders-to-ship');

  // API keys: make one (shown once), roll it with a grace period, revoke it.
  await page.getByRole('navigation', { name: 'Selling' }).getByRole('link', { name: 'API keys' }).click();
  await page.getByLabel('Name (what uses it)').fill('Warehouse system');
  await page.getByRole('button', { name: 'Make a key' }).click();
  const secret = (await page.locator('.new-key .secret').innerText()).trim();
  assert.match(secret, /^sk_test_/);
  const works = await fetch(`${shop.base}/v1/balance`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(works.status, 200);
  const row = page.locator('table.api-keys tr', { hasText: 'Warehouse system' });
  // The last use is written beside the request: reload until it shows.
  for (let i = 0; i < 50; i += 1) {
    await page.goto(`${shop.base}/seller/api-keys`);
    if (!/never/.test(await row.locator('.last-used').innerText())) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(!(await page.content()).includes(secret), 'a key is shown once');
  assert.doesNotMatch(await row.locator('.last-used').innerText(), /never/);
  await row.getByLabel('Old key works for').selectOption('1');
  await row.getByRole('button', { name: 'Roll' }).click();
  assert.match(await page.locator('.new-key').innerText(), /Your new key: Warehouse system/);
  assert.match(await page.locator('table.api-keys').innerText(), /expiring/);
  await shot(page, 'seller-api-keys');
  await page.locator('table.api-keys tr', { hasText: 'expiring' }).getByRole('button', { name: 'Revoke now' }).click();
  await page.waitForURL(/notice=key_revoked/);
  const refused = await fetch(`${shop.base}/v1/balance`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(refused.status, 401);

  // The buyer's orders page through too (the demo buyer had orders before these 150).
  await page.getByRole('button', { name: 'Log out' }).click();
  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}/orders`);
  const mine = await readAllPages(page, 'main tbody tr td:first-child');
  assert.ok(mine.length >= 150, `${mine.length} orders`);
  assert.ok(mine.includes(orders[0].number) && mine.includes(orders[149].number));
  assert.equal(new Set(mine).size, mine.length);
  await page.close();
});
