import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The renderer is served from app:// (Electron) or by `icebox serve`, both from dist/renderer;
// relative asset URLs ('./') work under either origin.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or styles: the CSP allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022'
  }
})
