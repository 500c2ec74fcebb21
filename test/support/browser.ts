import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, driven by playwright-core (no browser download: infra/obtain.sh installs
 * the package). The flags keep it quiet on a machine with no outside network: without the
 * background-networking ones it keeps dialling Google's services and filling the log with refusals.
 * Playwright gives every launch a fresh profile directory of its own.
 */
export const CHROMIUM = process.env.REDRESS_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root the sandbox cannot start; playwright passes --no-sandbox when chromiumSandbox is false.
    chromiumSandbox: false,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where the browser tests write their screenshots (git-ignored). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'web');

/** The two widths the pages must read well at: a laptop and a phone. */
export const VIEWPORTS = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/** Screenshots of the page as it is, at both viewports (the page is left at the laptop one). */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const files: string[] = [];
  for (const [label, size] of Object.entries(VIEWPORTS).reverse()) {
    await page.setViewportSize(size);
    // From the top of the page, whatever anchor a redirect left it at.
    await page.locator('main h1').scrollIntoViewIfNeeded();
    const path = join(SCREENSHOTS, `${name}-${label}-${size.width}x${size.height}.png`);
    await page.screenshot({ path, fullPage: false });
    files.push(path);
  }
  return files;
}
