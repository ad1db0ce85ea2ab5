/// <reference types="vitest/config" />
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, URL } from 'node:url';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The ASP.NET host serves the build from its web root; the API and the SignalR hub live on the same origin.
const outDir = fileURLToPath(new URL('../wwwroot', import.meta.url));
const backend = process.env.CIRO_BACKEND_URL ?? 'http://localhost:8080';

/**
 * emptyOutDir wipes wwwroot, including the .gitignore that keeps build output out of git.
 * Write it back after every build so `git status` stays clean.
 */
function keepWebRootGitignore(): Plugin {
  return {
    name: 'ciro:keep-wwwroot-gitignore',
    apply: 'build',
    async writeBundle() {
      await writeFile(path.join(outDir, '.gitignore'), '*\n!.gitignore\n');
    },
  };
}

export default defineConfig({
  plugins: [react(), keepWebRootGitignore()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir,
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Vendor code changes far less often than ours: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            { name: 'charts', test: /node_modules[\\/](recharts|d3-|victory-vendor|@reduxjs|redux|immer|reselect)/ },
            { name: 'signalr', test: /node_modules[\\/]@microsoft[\\/]signalr/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/hubs': { target: backend, changeOrigin: true, ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup-tests.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.mjs'],
    restoreMocks: true,
    // The test command runs these beside the .NET suites on two cores: a render can wait seconds for a core.
    testTimeout: 30_000,
  },
});
