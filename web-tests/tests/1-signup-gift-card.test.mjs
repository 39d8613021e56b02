// A newcomer signs up with the emailed code, logs in, and buys a first gift card with a new card
// (saved), which loads the Pocket; then sends a gift code that a second buyer redeems.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, inboxCode, shot, login, logout, fillCard, fillAddress, errorText } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

async function signUp(page, email) {
  await page.goto(`${shop.base}/signup`);
  await shot(page, 'signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a-long-password-1');
  await page.getByLabel('Country (two letters, such as US)').fill('US');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/verify-email/);
  await page.getByLabel('Code').fill('000000');
  await page.getByRole('button', { name: 'Verify my email' }).click();
  assert.match(await errorText(page), /code/i, 'a wrong code is refused with a message');
  await page.getByLabel('Code').fill(await inboxCode(shop.base, email));
  await shot(page, 'verify-email');
  await page.getByRole('button', { name: 'Verify my email' }).click();
  await page.waitForURL(/\/login/);
  await page.getByLabel('Password').fill('a-long-password-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/pocket$/);
}

test('sign up, verify the email, log in and buy a first gift card', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await signUp(page, 'newcomer@example.com');
  assert.match(await page.locator('.pocket-balance').first().innerText(), /\$0\.00/);
  await shot(page, 'pocket-empty');

  await page.getByRole('link', { name: 'Buy gift cards' }).click();
  await page.getByLabel('$20.00 cards', { exact: true }).fill('1');
  await page.getByLabel('$50.00 cards', { exact: true }).fill('1');
  await page.getByLabel('Load my Pocket').check();
  await page.getByLabel('Another card').check();
  await fillCard(page, '4242424242424242');
  await fillAddress(page);
  await page.getByLabel('Save this card for next time').check();
  await shot(page, 'gift-cards-buy');
  await page.getByRole('button', { name: 'Buy gift cards' }).click();
  await page.waitForURL(/\/pocket\?notice=loaded/);
  assert.match(await page.locator('.pocket-balance').first().innerText(), /\$70\.00/);
  assert.match(await page.locator('.expiring').innerText(), /\$70\.00 on [A-Z][a-z]+ \d{1,2}, \d{4}/);
  assert.equal(await page.locator('table.history tbody tr').count(), 2);
  await shot(page, 'pocket');

  await page.getByRole('link', { name: 'My cards' }).click();
  assert.match(await page.locator('section.saved-card').first().innerText(), /Visa •••• 4242/);
  await shot(page, 'cards');
  await page.close();
});

test('a gift code bought for someone else is redeemed once by them', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, 'newcomer@example.com', 'a-long-password-1');
  await page.goto(`${shop.base}/gift-cards/buy`);
  await page.getByLabel('$10.00 cards', { exact: true }).fill('1');
  await page.getByLabel('Send as a gift').check();
  await page.getByLabel("Recipient's email (for a gift)").fill('friend@example.com');
  await page.getByLabel('Visa •••• 4242').check();
  await page.getByRole('button', { name: 'Buy gift cards' }).click();
  const code = (await page.locator('.gift-code').innerText()).trim();
  assert.match(code, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
  await shot(page, 'gift-sent');
  await logout(page);

  await signUp(page, 'friend@example.com');
  await page.getByRole('link', { name: 'Redeem a code' }).click();
  await page.getByLabel('Gift card code').fill(code);
  await shot(page, 'redeem');
  await page.getByRole('button', { name: 'Load into my Pocket' }).click();
  await page.waitForURL(/notice=redeemed/);
  assert.match(await page.locator('.pocket-balance').first().innerText(), /\$10\.00/);

  await page.getByRole('link', { name: 'Redeem a code' }).click();
  await page.getByLabel('Gift card code').fill(code);
  await page.getByRole('button', { name: 'Load into my Pocket' }).click();
  assert.match(await errorText(page), /not valid/);
  await page.close();
});
