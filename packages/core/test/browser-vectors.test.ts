import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { rolldown } from 'rolldown';
import { describe, expect, it } from 'vitest';
import { type KnownAnswer, runKnownAnswers } from './vectors/known-answers.js';
import { readVectors } from './vectors/read-vectors.js';

/**
 * The core runs in a browser (the dashboard verifies the log there): bundled for the
 * browser, with nothing of Node's, it gives every published known answer in headless
 * Chromium that it gives in Node. The browser is Debian's chromium, driven by
 * playwright-core, named by CREDENCE_TEST_CHROMIUM (.ci/run sets it); without it the
 * browser half skips, with a message.
 */

const CHROMIUM = process.env.CREDENCE_TEST_CHROMIUM;
const data = readVectors();

const summary = (answers: readonly KnownAnswer[]) => ({
  count: answers.length,
  failed: answers.filter((a) => !a.ok).map((a) => a.name),
});

describe('the published known answers', () => {
  it('hold in Node', async () => {
    const answers = await runKnownAnswers(data);
    // 178 Merkle vectors, 3 signed-note, 5 signature and hash, 2 key pairs and 6 OPRF.
    expect(answers.length).toBeGreaterThan(150);
    expect(summary(answers).failed).toEqual([]);
  });

  it('fail when a vector is altered', async () => {
    const first = data.merkle.inclusion.find((v) => !v.wantErr);
    if (first === undefined) throw new Error('no happy inclusion vector');
    const altered = {
      ...data,
      merkle: { ...data.merkle, inclusion: [{ ...first, leafIdx: first.leafIdx + 1 }] },
      oprf: data.oprf.map((set) => ({
        ...set,
        vectors: set.vectors.map((v) => ({
          ...v,
          Output: v.Output.replace(/^./, (c) => (c === '0' ? '1' : '0')),
        })),
      })),
    };
    const failed = summary(await runKnownAnswers(altered)).failed;
    expect(failed.some((name) => name.startsWith('RFC 9162 inclusion'))).toBe(true);
    expect(failed.filter((name) => name.startsWith('RFC 9497 mode')).length).toBeGreaterThan(4);
  });

  const inBrowser = CHROMIUM === undefined ? it.skip : it;
  if (CHROMIUM === undefined)
    console.log('browser known answers skipped: set CREDENCE_TEST_CHROMIUM to a Chromium binary');

  inBrowser(
    'hold in headless Chromium, from a bundle of the core made for the browser',
    async () => {
      const warnings: string[] = [];
      const build = await rolldown({
        input: fileURLToPath(new URL('./vectors/browser-entry.ts', import.meta.url)),
        platform: 'browser',
        onwarn: (w) => warnings.push(w.message),
      });
      const { output } = await build.generate({ format: 'esm' });
      await build.close();
      const code = output.map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n');
      // Nothing of Node's reached the bundle: an unresolved node: import would be left
      // as an import the page cannot load.
      expect(code).not.toMatch(/from\s*["']node:/);
      expect(warnings.filter((w) => /node:|built-?in/i.test(w))).toEqual([]);
      const browser = await chromium.launch({
        executablePath: CHROMIUM ?? 'chromium',
        args: ['--no-sandbox'],
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.setContent('<!doctype html><title>known answers</title>');
        await page.addScriptTag({ content: code, type: 'module' });
        await page.waitForFunction(() => 'runKnownAnswers' in globalThis);
        const inPage = (await page.evaluate(
          (d) =>
            (
              globalThis as unknown as {
                runKnownAnswers: (x: unknown) => Promise<KnownAnswer[]>;
              }
            ).runKnownAnswers(d),
          data,
        )) as KnownAnswer[];
        expect(errors).toEqual([]);
        expect(
          await page.evaluate(() => typeof (globalThis as { process?: unknown }).process),
        ).toBe('undefined');
        expect(summary(inPage).failed).toEqual([]);
        expect(inPage.map((a) => a.name)).toEqual((await runKnownAnswers(data)).map((a) => a.name));
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
