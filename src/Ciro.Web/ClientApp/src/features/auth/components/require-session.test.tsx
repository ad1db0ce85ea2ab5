import { screen } from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import { useCurrentUser } from '@/lib/session';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import { RequireSession } from './require-session';

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

function Who() {
  const user = useCurrentUser();
  return <p data-testid="who">{user ? `${user.userName}/${user.role}` : 'nobody'}</p>;
}

function renderAt(route: string) {
  return renderWithProviders(
    <Routes>
      <Route path="/login" element={<Where />} />
      <Route
        path="*"
        element={
          <RequireSession>
            <Who />
          </RequireSession>
        }
      />
    </Routes>,
    { route },
  );
}

describe('RequireSession', () => {
  it('sends a signed-out visitor to the sign-in page with the address to come back to', async () => {
    stubFetch(() => ({ status: 401, body: { title: 'Sign in first', status: 401 } }));
    renderAt('/gas?range=7d');
    expect(await screen.findByTestId('where')).toHaveTextContent('/login?next=%2Fgas%3Frange%3D7d');
  });

  it('shows the protected page with the signed-in user', async () => {
    stubFetch(() => ({ body: { userName: 'oscar', role: 'operator', antiforgeryToken: 't' } }));
    renderAt('/');
    expect(await screen.findByTestId('who')).toHaveTextContent('oscar/operator');
  });
});
