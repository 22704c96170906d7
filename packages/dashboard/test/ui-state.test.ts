import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csrfOf } from '@credence/server-kit/web-session';
import { describe, expect, it } from 'vitest';
import { LOGIN_LINK_TTL_MS, SESSION_TTL_MS, UiState } from '../src/ui-state.js';

describe("a dashboard's sign-in links and sessions", () => {
  const dir = mkdtempSync(join(tmpdir(), 'credence-ui-state-'));
  const file = join(dir, 'dashboard.sqlite');
  const now = Date.UTC(2026, 11, 6, 9);

  it('spends a link once, opening a session that ends at its time or at sign-out', () => {
    const state = UiState.open(file);
    const link = state.issueLoginLink(now);
    const cookie = state.redeemLoginLink(link, now + 1000);
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(state.redeemLoginLink(link, now + 2000)).toBeUndefined();
    const session = state.session(cookie as string, now + 5000);
    expect(session?.csrf).toBe(csrfOf(cookie as string));
    expect(session?.expiresAt).toBe(now + 1000 + SESSION_TTL_MS);
    expect(state.session(cookie as string, now + 1000 + SESSION_TTL_MS)).toBeUndefined();
    const other = state.redeemLoginLink(state.issueLoginLink(now), now) as string;
    state.endSession(other);
    expect(state.session(other, now)).toBeUndefined();
    state.close();
  });

  it('refuses an expired link, and an unknown one', () => {
    const state = UiState.open(file);
    const link = state.issueLoginLink(now);
    expect(state.redeemLoginLink(link, now + LOGIN_LINK_TTL_MS)).toBeUndefined();
    expect(state.redeemLoginLink('x'.repeat(43), now)).toBeUndefined();
    state.close();
  });

  it('is shared with another process opening the same file (the login command)', () => {
    const server = UiState.open(file);
    server.recordUrl('http://127.0.0.1:8090');
    const cli = UiState.open(file);
    expect(cli.url()).toBe('http://127.0.0.1:8090');
    const link = cli.issueLoginLink(now);
    cli.close();
    expect(server.redeemLoginLink(link, now)).toBeDefined();
    server.close();
  });

  it('keeps no secret: a copy of its files holds neither a link nor a cookie', () => {
    const state = UiState.open(file);
    const link = state.issueLoginLink(now);
    const unused = state.issueLoginLink(now);
    const cookie = state.redeemLoginLink(link, now) as string;
    state.close();
    const bytes = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(bytes.length).toBeGreaterThan(1000);
    for (const secret of [link, unused, cookie, csrfOf(cookie)])
      expect(bytes).not.toContain(secret);
  });
});
