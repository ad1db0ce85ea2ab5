import { useSyncExternalStore } from 'react';
import { applyTheme, currentTheme, subscribeTheme, type Theme } from '@/lib/theme';
import { Button } from './button';

/** Switches between the dark and light theme and remembers the choice. */
export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribeTheme, currentTheme);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <Button variant="ghost" data-testid="theme-toggle" onClick={() => applyTheme(next, true)}>
      {next === 'light' ? 'Light' : 'Dark'} theme
    </Button>
  );
}
