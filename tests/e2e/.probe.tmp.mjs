import { chromium } from '@playwright/test';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 500)));
page.on('pageerror', (e) => console.log('pageerror', e.message, e.stack?.slice(0, 800)));
await page.goto(process.argv[2] + '/login');
await page.waitForTimeout(3000);
await browser.close();
