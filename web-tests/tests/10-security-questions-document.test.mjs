// Verification beyond codes: a buyer without a phone sets security questions and pays with a new
// card by answering them instead of the code; a buyer's large order waits for an ID document, which
// an operator sees in the review queue and approves, and the order is paid.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, inboxCode, shot, login, logout, fillCard, fillAddress, orderStatus, errorText, BUYER, OPERATOR } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

/** A 1×1 PNG, as a phone's photo would be uploaded. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

async function api(path, body) {
  const res = await fetch(`${shop.base}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return res.json();
}

test('a buyer without a phone pays by answering security questions', async () => {
  const email = 'no-phone@example.com';
  await api('/v1/users', { email, password: 'a-long-password-1', country: 'US' });
  await api('/v1/users/verify_email', { email, code: await inboxCode(shop.base, email) });
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, email, 'a-long-password-1');

  await page.getByRole('link', { name: 'Security' }).click();
  await page.getByLabel('Question 1', { exact: true }).selectOption('first_pet');
  await page.getByLabel('Answer 1').fill('Biscuit');
  await page.getByLabel('Question 2', { exact: true }).selectOption('own');
  await page.locator('#f-own1').fill('What was the name of my grandmother\'s village?');
  await page.getByLabel('Answer 2').fill('Señorío de Bértiz');
  await page.getByLabel('Your password').fill('a-long-password-1');
  await shot(page, 'security-questions');
  await page.getByRole('button', { name: 'Save my questions' }).click();
  await page.waitForURL(/notice=questions_saved/);
  assert.match(await page.locator('main').innerText(), /What was the name of your first pet\?/);
  assert.ok(!(await page.content()).includes('Biscuit'), 'an answer is never shown again');

  await page.goto(`${shop.base}/`);
  await page.locator('section.product', { hasText: 'Canvas tote bag' }).getByRole('link', { name: 'Buy' }).click();
  await page.getByLabel('Quantity').fill('1');
  await fillAddress(page, { name: 'Noa Phoneless' });
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/orders\/ord_[^/]+\/pay$/);
  const order = new URL(page.url()).pathname.replace(/\/pay$/, '');
  await page.getByLabel('Another card').check();
  await fillCard(page, '4242424242424242');
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.waitForURL(/\/payments\/pay_[^/]+\/verify$/);
  assert.match(await page.locator('main').innerText(), /No code\? Answer your security questions/);
  // The page says who asked and why, and offers only the channels this buyer has (no phone: email).
  assert.match(await page.locator('main').innerText(), /we check that this payment is yours \(a card not used here before\)/);
  assert.deepEqual(await page.getByLabel('Send it by').locator('option').allInnerTexts(), ['Email']);
  await page.getByLabel('What was the name of your first pet?').fill('biscuit');
  await page.getByLabel('What was the name of my grandmother\'s village?').fill('wrong village');
  await page.getByRole('button', { name: 'Confirm with my answers' }).click();
  assert.match(await errorText(page), /answers are incorrect/);
  assert.match(await errorText(page), /4 tries left/);
  await page.getByLabel('What was the name of your first pet?').fill('  BISCUIT ');
  await page.getByLabel('What was the name of my grandmother\'s village?').fill('senorio de bertiz');
  await shot(page, 'verify-security-questions');
  await page.getByRole('button', { name: 'Confirm with my answers' }).click();
  await page.waitForURL(new RegExp(`${order}\\?notice=paid$`));
  assert.equal(await orderStatus(page), 'paid');
  await page.close();
});

test('a large order waits for an ID document that an operator approves', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}/`);
  await page.locator('section.product', { hasText: 'Wool beanie' }).getByRole('link', { name: 'Buy' }).click();
  // 60 × $29.00 = $1,740.00: above the 1,500.00 review amount (and below the test card's daily limit).
  await page.getByLabel('Quantity').fill('60');
  await fillAddress(page, { name: 'Dana Buyer' });
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/orders\/ord_[^/]+\/pay$/);
  const order = new URL(page.url()).pathname.replace(/\/pay$/, '');
  await page.getByLabel('Another card').check();
  await fillCard(page, '5555555555554444');
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.waitForURL(/\/payments\/pay_[^/]+\/verify$/);
  assert.match(await page.locator('h1').innerText(), /Verify your identity/);
  // A file that is not an image or a PDF is refused by its content, whatever its name.
  await page.getByLabel('Your document').setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
  await page.getByRole('button', { name: 'Send my document' }).click();
  assert.match(await errorText(page), /JPEG or PNG photo, or a PDF/);
  await page.getByLabel('Your document').setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: PNG });
  await shot(page, 'document-upload');
  await page.getByRole('button', { name: 'Send my document' }).click();
  await page.waitForURL(/notice=document_sent/);
  assert.match(await page.locator('main').innerText(), /Your document is being reviewed/);
  await shot(page, 'document-in-review');
  await logout(page);

  await login(page, shop.base, OPERATOR);
  await page.getByRole('link', { name: 'Reviews' }).click();
  await page.locator('table').first().getByRole('link').first().click();
  const image = page.getByRole('img', { name: "The buyer's document" });
  await image.waitFor();
  const width = await image.evaluate((img) => img.naturalWidth);
  assert.equal(width, 1, 'the operator sees the uploaded picture itself');
  await shot(page, 'operator-review');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/notice=review_approved/);
  assert.match(await page.locator('main').innerText(), /approved/i);
  await logout(page);

  await login(page, shop.base, BUYER);
  await page.goto(`${shop.base}${order}`);
  assert.equal(await orderStatus(page), 'paid');
  await page.close();
});
