// The whole buyer journey in Russian and in Spanish: the language is chosen with the switcher before
// sign-up and saved with the account; sign-up, a gift card, a checkout whose card is declined (the
// decline's message and advice in the buyer's language, its code unchanged) and the order page show
// no English sentence of the English catalogue, and money and dates are written the language's way.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startShop, launchBrowser, inboxCode, shot, root } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

/** The single-line messages of a language's catalogues, by id (values and attributes alike). */
function catalogue(lang) {
  const dir = path.join(root, 'crates', 'server', 'locales', lang);
  const messages = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl'))) {
    let id = null;
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const message = line.match(/^([a-z][a-z0-9-]*) = (.+)$/);
      const attribute = line.match(/^\s+\.([a-z0-9-]+) = (.+)$/);
      if (message) { id = message[1]; messages.set(id, message[2]); }
      else if (attribute && id) messages.set(`${id}.${attribute[1]}`, attribute[2]);
    }
  }
  return messages;
}

/** English sentences (three words or more, between placeholders) the other language writes differently. */
function englishSentences(lang) {
  const en = catalogue('en');
  const other = catalogue(lang);
  const sentences = [];
  for (const [id, text] of en) {
    if (other.get(id) === text) continue;
    for (const piece of text.split(/\{[^}]*\}/)) {
      const p = piece.trim();
      if (p.split(/\s+/).length >= 3) sentences.push([id, p]);
    }
  }
  return sentences;
}

async function assertInLanguage(page, lang, sentences) {
  assert.equal(await page.getAttribute('html', 'lang'), lang, `${page.url()} is not in ${lang}`);
  const text = await page.locator('body').innerText();
  for (const [id, sentence] of sentences) {
    assert.ok(!text.includes(sentence), `${page.url()} shows English (${id}): ${sentence}`);
  }
}

for (const [lang, declined, pay] of [
  ['ru', 'На вашей карте недостаточно средств.', /Оплатить/],
  ['es', 'Tu tarjeta no tiene fondos suficientes.', /Pagar/],
]) {
  test(`the buyer journey in ${lang}`, async () => {
    const sentences = englishSentences(lang);
    assert.ok(sentences.length > 300, `only ${sentences.length} English sentences to look for`);
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const email = `reader-${lang}@example.com`;

    // The switcher, before sign-in, sets the language; sign-up saves it with the account.
    await page.goto(`${shop.base}/signup`);
    await page.locator(`footer a[hreflang="${lang}"]`).click();
    await page.waitForURL(/\/signup$/);
    await assertInLanguage(page, lang, sentences);
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill('a-long-password-1');
    await page.locator('input[name=country]').fill('US');
    await shot(page, `${lang}-signup`);
    await page.locator('form[action="/signup"] button[type=submit]').click();
    await page.waitForURL(/\/verify-email/);
    await assertInLanguage(page, lang, sentences);
    await page.locator('input[name=code]').fill(await inboxCode(shop.base, email));
    await page.locator('button[value=verify]').click();
    await page.waitForURL(/\/login/);
    await assertInLanguage(page, lang, sentences);
    await page.locator('input[name=password]').fill('a-long-password-1');
    await page.locator('form[action="/login"] button[type=submit]').click();
    await page.waitForURL(/\/pocket$/);
    await assertInLanguage(page, lang, sentences);

    // A gift card of $50.00, paid with a new card.
    await page.goto(`${shop.base}/gift-cards/buy`);
    await assertInLanguage(page, lang, sentences);
    await page.locator('input[name=qty_5000]').fill('1');
    await page.locator('#f-for-me').check();
    await page.locator('#f-method-new').check();
    await fillCardByName(page, '4242424242424242');
    await shot(page, `${lang}-gift-cards-buy`);
    await page.locator('form[action="/gift-cards/buy"] button[type=submit]').click();
    await page.waitForURL(/\/pocket\?notice=loaded/);
    await assertInLanguage(page, lang, sentences);
    const balance = await page.locator('.pocket-balance').first().innerText();
    assert.match(balance, lang === 'ru' ? /50,00\s\$/ : /50,00\sUS\$/, 'money as the language writes it');
    await shot(page, `${lang}-pocket`);

    // An order paid with a card that is declined for insufficient funds, after its one-time code.
    await page.goto(`${shop.base}/`);
    await page.locator('section.product', { hasText: 'Wool beanie' }).locator('a[href^="/products/"]').first().click();
    await assertInLanguage(page, lang, sentences);
    await page.locator('#f-quantity').fill('1');
    for (const [name, value] of [['ship_name', 'Dana Buyer'], ['ship_line1', '1 Main St'], ['ship_city', 'Reno'],
      ['ship_postal_code', '89501'], ['ship_country', 'US']]) {
      await page.locator(`input[name=${name}]`).fill(value);
    }
    await page.locator('form[action^="/products/"] button[type=submit]').first().click();
    await page.waitForURL(/\/orders\/ord_[^/]+\/pay$/);
    const order = new URL(page.url()).pathname.replace(/\/pay$/, '');
    await assertInLanguage(page, lang, sentences);
    await page.locator('#f-method-new').check();
    await fillCardByName(page, '4000000000009995');
    await page.getByRole('button', { name: pay }).click();
    await page.waitForURL(/\/payments\/pay_[^/]+\/verify$/);
    await assertInLanguage(page, lang, sentences);
    await shot(page, `${lang}-verify`);
    await page.locator('input[name=code]').fill(await inboxCode(shop.base, email));
    await page.locator('form[action$="/verify"] button[type=submit]').first().click();
    const error = page.locator('#payment-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-decline-code'), 'insufficient_funds', 'the code never changes');
    assert.ok((await error.innerText()).includes(declined), await error.innerText());
    await assertInLanguage(page, lang, sentences);
    await shot(page, `${lang}-checkout-declined`);

    // The order page, still awaiting payment.
    await page.goto(`${shop.base}${order}`);
    await assertInLanguage(page, lang, sentences);
    assert.equal((await page.locator('.order-status').innerText()).trim(), catalogue(lang).get('status-awaiting-payment'));
    await shot(page, `${lang}-order`);
    await page.close();
  });
}

/** Fills a new card and its billing address by field name (labels are in the page's language). */
async function fillCardByName(page, number) {
  for (const [name, value] of [['number', number], ['exp_month', '12'], ['exp_year', '2030'], ['cvc', '123'],
    ['holder_name', 'Dana Buyer'], ['bill_line1', '1 Main St'], ['bill_city', 'Reno'], ['bill_postal_code', '89501'],
    ['bill_country', 'US']]) {
    const field = page.locator(`input[name=${name}]`);
    if (await field.count() > 0 && await field.first().isVisible()) await field.first().fill(value);
  }
}
