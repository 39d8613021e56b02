// The browser tests' harness: a demo shop (`pocketpay demo`, a real server with its own data
// directory), Debian's headless Chromium driven by playwright-core, the test inbox, screenshots
// saved as artifacts, and the checks every page passes (no card number, every field labelled).

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const root = path.resolve(import.meta.dirname, '..', '..');
const binary = process.env.POCKETPAY_BIN ?? path.join(root, 'target', 'debug', 'pocketpay');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = process.env.SCREENSHOT_DIR ?? path.join(root, 'target', 'web-screenshots');

export const PASSWORD = 'demo-password';
export const BUYER = 'buyer@demo.pocketpay.test';
export const BUYER_PHONE = '+15555550100';
export const SELLER = 'seller@demo.pocketpay.test';
export const OPERATOR = 'operator@demo.pocketpay.test';

/** Every card number the tests type: none may ever appear in a page. */
export const CARD_NUMBERS = ['4242424242424242', '5555555555554444', '4000000000009995', '4000002760003184'];

/** Starts a seeded demo shop on a free port; resolves to { base, stop }. */
export async function startShop() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pocketpay-web-'));
  const child = spawn(binary, ['demo', '--listen', '127.0.0.1:0', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POCKETPAY_LOG: 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the demo did not start in 120 s:\n${out}\n${stderr}`)), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const ready = out.match(/demo ready: open (http:\/\/[^\s/]+)\//);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${out}\n${stderr}`));
    });
  });
  const stop = async () => {
    child.removeAllListeners('exit');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, stop };
}

/** Headless Debian Chromium. */
export async function launchBrowser() {
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: chromiumPath, args });
}

/** The newest one-time code sent to any of these recipients (email or phone). */
export async function inboxCode(base, ...recipients) {
  let newest = null;
  for (const to of recipients) {
    const res = await fetch(`${base}/v1/test/inbox?to=${encodeURIComponent(to)}`);
    assert.equal(res.status, 200);
    const { data } = await res.json();
    for (const m of data) {
      if (m.code && (!newest || m.created > newest.created || (m.created === newest.created && m.id > newest.id))) {
        newest = m;
      }
    }
  }
  assert.ok(newest, `no code sent to ${recipients.join(' or ')}`);
  return newest.code;
}

/**
 * Luhn-valid runs of 13 to 19 digits (spaces or dashes allowed between them) in a text, standing
 * alone: digits inside a longer token (a hex CSRF token, a random id) are not a card number.
 */
export function cardNumbersIn(text) {
  const found = [];
  for (const m of text.matchAll(/(?<![0-9A-Za-z])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])/g)) {
    const digits = m[0].replace(/[ -]/g, '');
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    if (sum % 10 === 0) found.push(digits);
  }
  return found;
}

/** Checks a page: no card number anywhere in its HTML (fields included), every field labelled, nothing wider than the screen. */
export async function checkPage(page) {
  const html = await page.content();
  for (const n of CARD_NUMBERS) assert.ok(!html.includes(n), `card number ${n} rendered in ${page.url()}`);
  assert.deepEqual(cardNumbersIn(html), [], `a card number is rendered in ${page.url()}`);
  const values = await page.$$eval('input', (els) => els.map((e) => e.defaultValue));
  for (const v of values) assert.deepEqual(cardNumbersIn(v), [], `a card number is rendered into a field of ${page.url()}`);
  const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea',
    (els) => els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.name));
  assert.deepEqual(unlabelled, [], `fields without a label in ${page.url()}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${page.url()} is ${overflow}px wider than the screen`);
}

/** Saves a full-page screenshot as an artifact (and checks the page first). */
export async function shot(page, name) {
  await checkPage(page);
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

export async function login(page, base, email, password = PASSWORD) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForLoadState();
  assert.ok(!page.url().includes('/login'), `still on the login page: ${await errorText(page)}`);
}

export async function logout(page) {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL((u) => u.pathname === '/');
}

/** The text of the errors shown on the page. */
export async function errorText(page) {
  return (await page.locator('.error').allInnerTexts()).join('\n');
}

/** Fills the "another card" fields of a form. */
export async function fillCard(page, number, { month = '12', year = '2030', cvc = '123', name = 'Dana Buyer' } = {}) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry month (MM)').fill(month);
  await page.getByLabel('Expiry year (YYYY)').fill(year);
  await page.getByLabel('Security code (CVC)').fill(cvc);
  await page.getByLabel('Name on the card').fill(name);
}

/** Fills address fields (shipping or billing) that are visible on the page. */
export async function fillAddress(page, { name, line1 = '1 Main St', city = 'Reno', postal = '89501', country = 'US' } = {}) {
  if (name) await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Address line 1').fill(line1);
  await page.getByLabel('City').fill(city);
  await page.getByLabel('Postal code').fill(postal);
  await page.getByLabel('Country (two letters, such as US)').fill(country);
}

/** Orders one of a product from the shop and lands on checkout; returns the order page's path. */
export async function orderProduct(page, base, productName) {
  await page.goto(`${base}/`);
  await page.locator('section.product', { hasText: productName }).getByRole('link', { name: 'Buy' }).click();
  await page.getByLabel('Quantity').fill('1');
  await fillAddress(page, { name: 'Dana Buyer' });
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/orders\/ord_[^/]+\/pay$/);
  return new URL(page.url()).pathname.replace(/\/pay$/, '');
}

/** The status shown on an order page. */
export async function orderStatus(page) {
  return (await page.locator('.order-status').innerText()).trim();
}
