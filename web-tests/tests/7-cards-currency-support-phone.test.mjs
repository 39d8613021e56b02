// The card manager (default, expiry, remove), paying in the buyer's own currency at the locked rate,
// a support ticket answered by an operator, confirming receipt, reporting an unauthorized payment, and
// the pages on a phone-sized screen.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, shot, login, logout, fillCard, orderProduct, orderStatus, BUYER, SELLER, OPERATOR } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

test('the card manager adds, makes default, updates the expiry and removes a card', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}/cards`);
  await fillCard(page, '4242424242424241');
  await page.getByRole('button', { name: 'Save card' }).click();
  const numberError = page.locator('#f-number-error');
  assert.match(await numberError.innerText(), /number/i, 'the error sits by the number field');
  assert.equal(await page.getByLabel('Card number').inputValue(), '');

  await fillCard(page, '5200828282828210');
  await page.getByText('Use another address').click();
  await page.getByLabel('Bill to the address below').check();
  await page.getByLabel('Address line 1').fill('1 Main St');
  await page.getByLabel('City').fill('Austin');
  await page.getByLabel('Postal code').fill('73301');
  await page.getByLabel('Country (two letters, such as US)').fill('US');
  await page.getByRole('button', { name: 'Save card' }).click();
  await page.waitForURL(/notice=card_added/);
  const added = page.locator('section.saved-card', { hasText: '8210' });
  assert.match(await added.innerText(), /Austin/);

  await added.getByRole('button', { name: 'Make default' }).click();
  await page.waitForURL(/notice=card_updated/);
  assert.match(await page.locator('section.saved-card', { hasText: '8210' }).innerText(), /default/);
  await page.locator('section.saved-card', { hasText: '8210' }).getByText('Update expiry').click();
  await page.locator('section.saved-card', { hasText: '8210' }).getByLabel('Year (YYYY)').fill('2033');
  await page.locator('section.saved-card', { hasText: '8210' }).getByRole('button', { name: 'Save expiry' }).click();
  await page.waitForURL(/notice=card_updated/);
  assert.match(await page.locator('section.saved-card', { hasText: '8210' }).innerText(), /Expires 12\/2033/);
  await shot(page, 'cards-manager');
  await page.locator('section.saved-card', { hasText: '8210' }).getByRole('button', { name: 'Remove' }).click();
  await page.waitForURL(/notice=card_removed/);
  assert.equal(await page.locator('section.saved-card', { hasText: '8210' }).count(), 0);
  await page.close();
});

test('paying a EUR price in USD at the locked rate', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  const order = await orderProduct(page, shop.base, 'Linen table runner');
  const fx = page.locator('fieldset', { hasText: 'Currency' });
  // €39.00 at the demo's EUR→USD rate 1.0852 = 42.3228 → $42.32, locked for 15 minutes.
  assert.match(await fx.innerText(), /€39\.00 = \$42\.32 at 1 EUR = 1\.0852 USD\. This rate is locked until/);
  await shot(page, 'checkout-fx');
  await page.getByLabel('Pay in USD').check();
  await page.getByLabel('Visa •••• 4242').check();
  await page.getByRole('button', { name: 'Pay €39.00' }).click();
  await page.waitForURL(new RegExp(`${order}\\?notice=paid$`));
  assert.match(await page.locator('dl.facts').innerText(), /paid as \$42\.32 at 1\.0852/);
  await page.close();
});

test('a support ticket answered by an operator, and receipt confirmed', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  const order = await orderProduct(page, shop.base, 'Beeswax candles, pair');
  await page.getByLabel('Visa •••• 4242').check();
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.waitForURL(/notice=paid/);
  await page.getByRole('link', { name: 'Ask support about this order' }).click();
  await page.getByLabel('Subject').fill('Gift wrapping?');
  await page.getByLabel('Message').fill('Could the candles be gift wrapped?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForURL(/notice=ticket_opened/);
  const ticket = new URL(page.url()).pathname;
  await logout(page);

  await login(page, shop.base, OPERATOR);
  await page.getByRole('link', { name: 'Tickets' }).click();
  await page.getByRole('link', { name: 'Gift wrapping?' }).click();
  await page.getByLabel('Your reply').fill('Yes, we asked the seller to wrap them.');
  await page.getByRole('button', { name: 'Reply' }).click();
  await page.waitForURL(/notice=replied/);
  await shot(page, 'ticket');
  await logout(page);

  await login(page, shop.base, 'atelier@demo.pocketpay.test');
  await page.goto(`${shop.base}/seller/orders/${order.split('/').pop()}`);
  await page.getByLabel('Carrier').fill('La Poste');
  await page.getByLabel('Tracking number').fill('6A12345678901');
  await page.getByRole('button', { name: 'Mark as shipped' }).click();
  await page.waitForURL(/notice=shipped/);
  await logout(page);

  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}${ticket}`);
  assert.match(await page.locator('main').innerText(), /Yes, we asked the seller to wrap them\./);
  await page.goto(`${shop.base}${order}`);
  await page.getByRole('button', { name: 'I received it' }).click();
  await page.waitForURL(/notice=confirmed/);
  assert.equal(await orderStatus(page), 'completed');

  // The buyer does not recognise the payment: reimbursed into the Pocket at once, the card blocked.
  await page.getByText('I did not make this payment').click();
  await page.getByLabel('What happened?').fill('I never ordered candles; my card was used by someone else.');
  await page.getByRole('button', { name: 'Report an unauthorized payment' }).click();
  await page.waitForURL(/notice=reported/);
  assert.match(await page.locator('.notice').innerText(), /reimbursed the payment and blocked the card/);
  await page.goto(`${shop.base}/pocket`);
  assert.match(await page.locator('table.history').innerText(), /reimbursement/);
  await page.close();
});

test('the pages fit a phone screen', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  for (const [path, name] of [['/', 'phone-shop'], ['/pocket', 'phone-pocket'], ['/cards', 'phone-cards'], ['/gift-cards/buy', 'phone-gift-cards']]) {
    await page.goto(`${shop.base}${path}`);
    await shot(page, name);
  }
  await orderProduct(page, shop.base, 'Wool beanie');
  await shot(page, 'phone-checkout');
  await context.close();
});
