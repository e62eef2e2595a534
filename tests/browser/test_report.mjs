// test_report.mjs -- loads an assay HTML report in Debian's headless Chromium
// (playwright-core) and checks that it works as a page: usage: node test_report.mjs REPORT.html ARTIFACTS_DIR
//
// Run by tests/e2e/test_browser.sh, which makes the report from examples/sony.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [report, artifacts] = process.argv.slice(2);
if (!report || !artifacts) {
  console.error('usage: node test_report.mjs REPORT.html ARTIFACTS_DIR');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail !== undefined ? ': ' + detail : ''}`); }
}

const profile = mkdtempSync(join(tmpdir(), 'assay-chromium-'));
// A persistent context on a new empty profile is how playwright takes
// --user-data-dir.
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [], pageErrors = [], requests = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });

  await page.goto(pathToFileURL(resolve(report)).href, { waitUntil: 'load' });

  // The North Korea proposition with documents in its denied column.
  const row = page.locator('tr[data-proposition*="KP"]').first();
  check('the North Korea proposition row is there', (await row.count()) === 1);
  const deniedDocs = await row.locator('td[data-stance="denied"] a.d').count();
  check('its denied column holds documents', deniedDocs >= 1, `${deniedDocs} documents`);
  const deniedText = await row.locator('td[data-stance="denied"]').innerText();
  check('its denied column names North Korea', /North Korea|Kim Jong/.test(deniedText), deniedText);
  check('five documents', (await page.locator('article.doc').count()) === 5);
  check('the timeline is an SVG with marks', (await page.locator('#timeline svg circle').count()) > 5);
  check('the actor index has rows', (await page.locator('table.actors tbody tr').count()) > 5);

  // Hovering a claim's cue highlights its source; clicking pins it and shows the attributes and the rule.
  const cue = page.locator('.c-cue[data-claim]').first();
  const claim = await cue.getAttribute('data-claim');
  const hasSource = (await page.locator(`.c-src[data-claim="${claim}"]`).count()) > 0;
  check('the first claim has a source in the text', hasSource, claim);
  await cue.scrollIntoViewIfNeeded();
  await cue.hover();
  const hovered = await page.locator(`.c-src[data-claim="${claim}"].hl`).count();
  check('hovering a cue highlights its source', hovered > 0, `${hovered} highlighted`);
  await page.mouse.move(2, 2);
  await page.locator('h1').hover();
  check('leaving the cue clears the highlight', (await page.locator(`.c-src[data-claim="${claim}"].hl`).count()) === 0);
  await cue.click();
  check('clicking a cue keeps its source highlighted',
        (await page.locator(`.c-src[data-claim="${claim}"].hl`).count()) > 0);
  const inspector = await page.locator('#inspect.on').innerText().catch(() => '');
  check('clicking shows the attributes and the rule', /rule: claim\./.test(inspector) && /stance:/.test(inspector),
        inspector.slice(0, 200));
  await page.locator('#inspect button').click();

  // Following a matrix link to a claim in the text highlights that claim.
  const link = row.locator('td[data-stance="denied"] a.d').first();
  const href = await link.getAttribute('href');
  await link.click();
  if (/^#d\d+c\d+$/.test(href)) {
    check('a matrix link highlights its claim in the text',
          (await page.locator(`[data-claim="${href.slice(1)}"].hl`).count()) > 0, href);
  } else {
    check('a matrix link goes to a document', /^#doc-\d+$/.test(href), href);
  }

  // No horizontal overflow of the main layout at 1280 px (wide tables scroll inside their boxes).
  await page.evaluate(() => window.scrollTo(0, 0));
  const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,
                                              view: window.innerWidth }));
  check('no horizontal overflow at 1280 px', widths.doc <= widths.view && widths.body <= widths.view, JSON.stringify(widths));
  await page.screenshot({ path: join(artifacts, 'report-1280x800.png') });
  await page.evaluate(() => document.getElementById('timeline').scrollIntoView());
  await page.screenshot({ path: join(artifacts, 'report-1280x800-timeline.png') });
  await page.locator('#documents').scrollIntoViewIfNeeded();
  await page.locator('article.doc').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'report-1280x800-text.png') });

  // A phone: the page fits the width; wide tables scroll inside their boxes.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const phone = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth,
    matrixScrolls: getComputedStyle(document.querySelector('table.matrix').parentElement).overflowX }));
  check('no horizontal page overflow at 390 px', phone.doc <= phone.view, JSON.stringify(phone));
  check('the matrix scrolls in its box on a phone', phone.matrixScrolls === 'auto', phone.matrixScrolls);
  await page.screenshot({ path: join(artifacts, 'report-390x844.png') });

  check('no console errors', consoleErrors.length === 0, consoleErrors.join(' | '));
  check('no page errors', pageErrors.length === 0, pageErrors.join(' | '));
  check('no network requests', requests.length === 0, requests.join(' '));
} catch (e) {
  check('the page test ran', false, e && e.stack ? e.stack : String(e));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
