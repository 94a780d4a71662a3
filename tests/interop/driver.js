#!/usr/bin/env node
/* Drives one page of headless Chromium (the system's, through playwright-core)
 * for tests/test_interop.py.
 *
 *   node driver.js URL CHROMIUM [LOG]
 *
 * Prints {"ready": true} once the page is loaded, then reads one JSON request
 * a line on stdin, {"id": N, "expr": "JS expression"}, evaluates it in the
 * page (awaiting a promise) and answers {"id": N, "result": ...} or
 * {"id": N, "error": "..."}. The page's console goes to LOG. Stdin's end
 * closes the browser. */
'use strict';

const fs = require('fs');
const readline = require('readline');
const { chromium } = require('playwright-core');

const [url, executablePath, logPath] = process.argv.slice(2);
const log = logPath ? fs.createWriteStream(logPath, { flags: 'a' }) : null;

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function note(text) {
  if (log) log.write(new Date().toISOString() + ' ' + text + '\n');
}

async function main() {
  const args = [
    '--headless=new',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ];
  // The benchmarks' camera: a .y4m file, looped (Quartet sends the same).
  if (process.env.QT_FAKE_VIDEO_FILE) {
    args.push('--use-file-for-fake-video-capture=' + process.env.QT_FAKE_VIDEO_FILE);
  }
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  const browser = await chromium.launch({ executablePath, headless: true, args });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    try { await browser.close(); } catch (e) { /* already gone */ }
    if (log) log.end();
    process.exit(0);
  };

  const page = await browser.newPage();
  page.on('console', (message) => note('console.' + message.type() + ': ' + message.text()));
  page.on('pageerror', (error) => note('pageerror: ' + error));
  browser.on('disconnected', () => { if (!closing) { note('browser disconnected'); process.exit(1); } });
  await page.goto(url);
  out({ ready: true, version: browser.version() });

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    let request;
    try {
      request = JSON.parse(line);
    } catch (e) {
      out({ id: null, error: 'not JSON: ' + line });
      return;
    }
    try {
      const result = await page.evaluate(request.expr);
      out({ id: request.id, result: result === undefined ? null : result });
    } catch (e) {
      out({ id: request.id, error: String(e && e.message || e) });
    }
  });
  rl.on('close', close);
  process.on('SIGTERM', close);
}

main().catch((e) => {
  process.stderr.write('driver: ' + (e && e.stack || e) + '\n');
  process.exit(1);
});
