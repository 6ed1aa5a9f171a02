import { chooseLanguage, expect, logOut, openMenu, test } from './fixtures';
import { DEMO_ADMIN, login, mailedToken, unique, useEnglish } from './helpers';

test.beforeEach(async ({ page }) => useEnglish(page));

test('signed-out visitors are sent to the login page, and back where they were going', async ({ page }) => {
  // The login page works without the app: its WebAssembly cannot load until the form is sent.
  await page.route('**/*.wasm', (route) => route.fulfill({ status: 404 }));
  await page.goto('/settings/users?tab=x');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Fusers%3Ftab%3Dx$/);
  await page.getByLabel('E-mail').fill(DEMO_ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The e-mail or password is wrong.');
  await page.getByLabel('Password').fill(DEMO_ADMIN.password);
  await page.unroute('**/*.wasm');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/settings\/users\?tab=x$/);
  await expect(page.getByTestId('current-user')).toHaveText('Demo Admin');
});

test('the login page speaks the chosen language, server problems included', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Language').selectOption('pt-BR');
  await expect(page).toHaveTitle('Entrar · Prospecta');
  await expect(page.locator('html')).toHaveAttribute('lang', 'pt-BR');
  await page.getByLabel('E-mail').fill(DEMO_ADMIN.email);
  await page.getByLabel('Senha').fill('not the password');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page.getByRole('alert')).toHaveText('O e-mail ou a senha estão errados.');
  await expect(page.getByLabel('E-mail')).toHaveValue(DEMO_ADMIN.email);
});

test('a wrong password shows the server message and keeps the user out', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(DEMO_ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('wrong');
  await expect(page).toHaveURL(/\/login$/);
});

test('the demo admin logs in, sees the navigation, survives a reload and logs out', async ({ page }) => {
  await login(page);
  await expect(page).toHaveURL(/\/clients$/);
  await openMenu(page);
  for (const item of ['Clients', 'Conversations', 'Boards', 'Tasks', 'Settings']) {
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: item })).toBeVisible();
  }
  await page.reload();
  await expect(page.getByTestId('current-user')).toHaveText('Demo Admin');
  await logOut(page);
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/clients');
  await expect(page).toHaveURL(/\/login\?next=%2Fclients$/);
});

test('sign-up names invalid fields, then creates the account from the e-mailed link', async ({ page }) => {
  const email = `paula-${unique()}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Company name').fill('Loja Teste');
  await page.getByLabel('Name', { exact: true }).fill('Paula');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('[data-field=password]')).toContainText('at least 10');

  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('main').getByRole('status')).toContainText(`Check your inbox`);
  await expect(page.locator('main').getByRole('status')).toContainText(email);

  await page.goto(`/verify-email?token=${mailedToken(email, '/verify-email?token=')}`);
  await expect(page).toHaveURL(/\/settings\/sites$/);
  await expect(page.getByTestId('current-user')).toHaveText('Paula');

  // The link works once.
  await logOut(page);
  await page.goto(`/verify-email?token=${mailedToken(email, '/verify-email?token=')}`);
  await expect(page.getByRole('alert')).toContainText('no longer works');
});

test('signing up with a taken address shows the same page and mails its owner', async ({ page }) => {
  await page.goto('/signup');
  await page.getByLabel('Company name').fill('Someone Else');
  await page.getByLabel('Name', { exact: true }).fill('Mallory');
  await page.getByLabel('E-mail').fill(DEMO_ADMIN.email);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('main').getByRole('status')).toContainText('Check your inbox');
  expect(() => mailedToken(DEMO_ADMIN.email, '/verify-email?token=')).toThrow(/no \/verify-email/);
});

test('a forgotten password is reset through the e-mailed link', async ({ page }) => {
  const email = `forgot-${unique()}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Company name').fill('Esquecida Ltda');
  await page.getByLabel('Name', { exact: true }).fill('Rita');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('the first password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('main').getByRole('status')).toContainText(email);
  await page.goto(`/verify-email?token=${mailedToken(email, '/verify-email?token=')}`);
  await expect(page.getByTestId('current-user')).toHaveText('Rita');
  await logOut(page);

  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.locator('main').getByRole('status')).toContainText('a link to choose a new password is on its way');

  await page.goto(`/reset-password?token=${mailedToken(email, '/reset-password?token=')}`);
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Save password' }).click();
  await expect(page.locator('[data-field=password]')).toContainText('at least 10');
  await page.getByLabel('New password').fill('the second password');
  await page.getByRole('button', { name: 'Save password' }).click();
  await expect(page.locator('main').getByRole('status')).toContainText('Your password was changed');

  await page.getByRole('link', { name: 'Back to log in' }).click();
  await login(page, email, 'the second password');
  await expect(page.getByTestId('current-user')).toHaveText('Rita');
});

test('the interface switches to Brazilian Portuguese and remembers it', async ({ page }) => {
  await login(page);
  await chooseLanguage(page, 'pt-BR');
  await expect(page.locator('html')).toHaveAttribute('lang', 'pt-BR');
  await openMenu(page);
  await expect(page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Clientes' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sair' })).toBeVisible();
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Entrar' })).toBeVisible();
});
