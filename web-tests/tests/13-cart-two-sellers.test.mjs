// A cart of two sellers' products, paid once: products added from the shop, one quantity changed
// and one product removed, the cart shown grouped by seller, one payment (Pocket and a saved card),
// then two orders on My Orders, shown together, each shipped by its own seller.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, shot, login, fillAddress, BUYER } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

/** Adds a product to the cart from the shop's front page. */
async function addToCart(page, name) {
  await page.goto(`${shop.base}/`);
  await page.locator('section.product', { hasText: name }).getByRole('button', { name: 'Add to cart' }).click();
  await page.waitForURL(/\/cart\?notice=added$/);
}

test('a cart from two sellers is paid once and becomes two orders', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  await addToCart(page, 'Canvas tote bag');
  await addToCart(page, 'Enamel camp mug');
  await addToCart(page, 'Wool beanie');
  const main = page.locator('main');
  assert.match(await main.innerText(), /From Harbor Goods/);
  assert.match(await main.innerText(), /From North Pine Outfitters/);

  // Two mugs, and no beanie after all.
  await page.getByLabel('Quantity of Enamel camp mug').fill('2');
  await page.locator('tr', { hasText: 'Enamel camp mug' }).getByRole('button', { name: 'Update' }).click();
  await page.waitForURL(/\/cart\?notice=cart_updated$/);
  await page.locator('tr', { hasText: 'Wool beanie' }).getByRole('button', { name: 'Remove' }).click();
  await page.waitForURL(/\/cart\?notice=cart_updated$/);
  const cart = await main.innerText();
  assert.doesNotMatch(cart, /Wool beanie/);
  // 24.00 + 2 × 16.00 = 56.00, from two sellers.
  assert.match(cart, /Total: \$56\.00 from 2 seller/);
  await shot(page, 'cart-two-sellers');

  await fillAddress(page, { name: 'Dana Buyer' });
  await page.getByRole('button', { name: 'Check out' }).click();
  await page.waitForURL(/\/checkouts\/chk_[^/]+\/pay$/);
  const checkout = new URL(page.url()).pathname.replace(/\/pay$/, '');
  assert.match(await main.innerText(), /Your cart: 2 orders, one payment/);
  await shot(page, 'cart-pay-once');
  // 20.00 from the Pocket, the rest on the saved Visa.
  await page.getByLabel(/Visa/).first().check();
  await page.getByLabel('Pay this much from my Pocket').fill('20.00');
  await page.getByRole('button', { name: 'Pay $56.00' }).click();
  await page.waitForURL(new RegExp(`${checkout}\\?notice=paid$`));
  const summary = await main.innerText();
  assert.match(summary, /One payment of \$56\.00 for 2 orders/);
  assert.match(summary, /Harbor Goods/);
  assert.match(summary, /North Pine Outfitters/);
  assert.equal((summary.match(/\bpaid\b/gi) ?? []).length >= 2, true, summary);
  await shot(page, 'cart-paid');

  // My Orders shows the two orders together, under the one payment.
  await page.getByRole('link', { name: 'My Orders' }).click();
  const group = page.locator('tr.group').first();
  assert.match(await group.innerText(), /One payment, 2 sellers' orders/);
  const rows = await page.locator('main tbody tr').allInnerTexts();
  const at = rows.findIndex((r) => /One payment, 2 sellers' orders/.test(r));
  assert.ok(at >= 0 && /paid/i.test(rows[at + 1]) && /paid/i.test(rows[at + 2]), rows.join('\n'));
  assert.match(rows[at + 1] + rows[at + 2], /\$24\.00/);
  assert.match(rows[at + 1] + rows[at + 2], /\$32\.00/);
  await shot(page, 'my-orders-one-cart');
  // The cart is empty again.
  await page.getByRole('link', { name: 'Cart' }).click();
  assert.match(await main.innerText(), /Your cart is empty/);
  await page.close();
});
