// A buyer locked out by wrong passwords (a stranger's) resets a forgotten password with a code sent
// to their email, and logs in with the new one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShop, launchBrowser, inboxCode, shot, errorText } from '../lib/harness.mjs';

let shop;
let browser;
before(async () => { shop = await startShop(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await shop?.stop(); });

async function api(path, body) {
  const res = await fetch(`${shop.base}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test('reset a forgotten password, even while locked out', async () => {
  const email = 'forgot@example.com';
  await api('/v1/users', { email, password: 'the-old-password-1', country: 'US' });
  await api('/v1/users/verify_email', { email, code: await inboxCode(shop.base, email) });
  for (let i = 0; i < 5; i += 1) await api('/v1/sessions', { email, password: 'a wrong guess' });
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${shop.base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('the-old-password-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  assert.match(await errorText(page), /Too many failed sign-ins/);
  assert.match(await errorText(page), /reset it with a code we email you/);

  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill(email);
  await shot(page, 'password-reset');
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await page.waitForURL(/\/password-reset\/confirm\?notice=reset_sent/);
  assert.match(await page.locator('main').innerText(), /we sent it a code/);
  await page.getByLabel('Code').fill('000000');
  await page.getByLabel('New password').fill('my-new-password-2');
  await page.getByRole('button', { name: 'Set my new password' }).click();
  assert.match(await errorText(page), /code is incorrect/);
  await page.getByLabel('Code').fill(await inboxCode(shop.base, email));
  await page.getByLabel('New password').fill('my-new-password-2');
  await shot(page, 'password-reset-confirm');
  await page.getByRole('button', { name: 'Set my new password' }).click();
  await page.waitForURL(/\/login\?notice=password_reset/);
  await page.getByLabel('Password').fill('my-new-password-2');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/pocket$/);
  await page.close();
});
