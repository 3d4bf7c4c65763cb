/**
 * [issue 8, HTTP hygiene] The app works under its own Content-Security-Policy: the join page, the
 * staff login and dashboard, and a board (as a guest and as staff) load and go live in
 * Chromium with no CSP violation, so the policy needs no 'unsafe-inline' or 'unsafe-eval' script.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { boardFlows, browserAvailable, LAPTOP, useBrowserSuite } from '../helpers/browser';
import { ADMIN } from '../helpers/server';

const flows = boardFlows('ja');

/** Every violation the page reports, as the console and the DOM event see it. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) fromConsole.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return async () => [
    ...fromConsole,
    ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])),
  ];
}

describe.skipIf(!browserAvailable())('the app under its Content-Security-Policy', () => {
  const suite = useBrowserSuite();

  it('serves the page with a policy that allows no inline script', async () => {
    const response = await fetch(`${suite.server.url}/staff/login`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('loads the join page, the staff login and dashboard, and a board without a violation', { timeout: 60_000 }, async () => {
    const board = await suite.api.createBoard('CSPのボード');
    const guest = await suite.person();
    const guestViolations = await watchViolations(guest.page);
    await guest.page.goto(`/join/${board.joinCode}`);
    await guest.page.getByLabel(flows.t('join.guestLabel'), { exact: true }).waitFor();
    await flows.guestJoins(guest.page, board.joinCode!, 'ゲスト');
    await flows.postIdea(guest.page, 'CSPでも書ける');

    const staff = await suite.person({ viewport: LAPTOP });
    const staffViolations = await watchViolations(staff.page);
    await flows.staffOpensBoard(staff.page, ADMIN, board.id);
    await staff.page.getByRole('article', { name: 'CSPでも書ける', exact: true }).waitFor();

    expect(await guestViolations()).toEqual([]);
    expect(await staffViolations()).toEqual([]);
    expect(guest.pageErrors).toEqual([]);
    expect(staff.pageErrors).toEqual([]);
  });
});
