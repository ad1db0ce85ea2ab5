import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { applyTheme, preferredTheme } from '@/lib/theme';
import { ThemeToggle } from './theme-toggle';

describe('ThemeToggle', () => {
  afterEach(() => {
    localStorage.clear();
    applyTheme('dark');
  });

  it('switches the theme shown and remembers the choice over the system preference', async () => {
    applyTheme('dark');
    render(<ThemeToggle />);
    await userEvent.click(screen.getByRole('button', { name: 'Light theme' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem('ciro-theme')).toBe('light');
    expect(preferredTheme()).toBe('light');
    expect(screen.getByRole('button', { name: 'Dark theme' })).toBeInTheDocument();
  });
});
