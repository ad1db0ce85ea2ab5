// Dark and light themes are sets of CSS variables (index.css) chosen by <html data-theme>. A choice made with the
// toggle is kept in localStorage; without one the system's preference (prefers-color-scheme) decides, and is
// followed when it changes. Applied by main.tsx before the first render (the CSP allows no inline script in
// index.html).

export type Theme = 'dark' | 'light';

const STORAGE_KEY = 'ciro-theme';
const SYSTEM_LIGHT = '(prefers-color-scheme: light)';
const listeners = new Set<() => void>();

function storedTheme(): Theme | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'dark' || value === 'light' ? value : null;
  } catch {
    return null; // storage refused (privacy settings): follow the system
  }
}

export function preferredTheme(): Theme {
  return storedTheme() ?? (window.matchMedia?.(SYSTEM_LIGHT).matches ? 'light' : 'dark');
}

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
}

/** Shows `theme`; `remember` keeps it over the system's preference from now on. */
export function applyTheme(theme: Theme, remember = false): void {
  document.documentElement.dataset.theme = theme;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, theme);
    } catch {
      // the choice lasts for this page only
    }
  }
  listeners.forEach((listener) => listener());
}

/** Applies the preferred theme now and whenever the system's preference changes (unless one was chosen). */
export function followPreferredTheme(): void {
  applyTheme(preferredTheme());
  window.matchMedia?.(SYSTEM_LIGHT).addEventListener('change', () => applyTheme(preferredTheme()));
}

/** For useSyncExternalStore: called after every change of the theme shown. */
export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
