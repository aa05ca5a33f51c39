import react from '@vitejs/plugin-react'
import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite'

/**
 * Preloads the app chunk (boot.tsx) and its imports from the page's head: main.tsx imports it
 * dynamically so the process list is requested first, and without this the browser would only
 * start fetching it once main.tsx has run.
 */
function preloadBoot(): Plugin {
  return {
    name: 'icebox-preload-boot',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).flatMap((c) =>
          c.type === 'chunk' ? [c] : []
        )
        const boot = chunks.find((c) => c.facadeModuleId?.endsWith('/src/boot.tsx'))
        if (!boot) return []
        const entry = chunks.find((c) => c.isEntry)?.fileName
        const files = [boot.fileName, ...boot.imports].filter((f) => f !== entry)
        return files.map((f): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` },
          injectTo: 'head'
        }))
      }
    }
  }
}

// The renderer is served from app:// (Electron) or by `icebox serve`, both from dist/renderer;
// relative asset URLs ('./') work under either origin.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), preloadBoot()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or styles: the CSP allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022'
  }
})
