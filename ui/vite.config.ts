import { defineConfig } from "vite";

// Relative asset paths: the same dist/ is served by Tauri and by the tests' static server.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, sourcemap: false },
});
