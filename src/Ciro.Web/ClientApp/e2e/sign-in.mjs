// Shared by the e2e scripts: sign in through the dashboard's own login page, as a person would.

/** Records every Content-Security-Policy violation the page reports (the DOM event and Chromium's console line). */
export async function watchCspViolations(page, violations) {
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'}`);
    });
  });
  page.on('console', (message) => {
    const text = message.text();
    if (text.includes('Content Security Policy') || text.startsWith('CSP violation')) violations.push(text);
  });
}

/** On the sign-in page, fills the form and submits; resolves once the form is gone or an error shows. */
export async function signIn(page, user, password, timeout) {
  await page.getByTestId('login-form').waitFor({ timeout });
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="login-form"]') || document.querySelector('[data-testid="login-error"]'),
    undefined,
    { timeout },
  );
}
