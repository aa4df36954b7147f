/**
 * Stands in for zod's `locales/index.js` in the worker bundle (the `[alias]` of both wrangler
 * configs). zod re-exports every locale as `z.locales` (`export * as locales`), which no bundler
 * can tree-shake: without this module the bundle carries all 64 locale files. The API answers in
 * English only, so `z.locales` holds just `en`; zod sets English as its default either way.
 */
export { default as en } from "zod/v4/locales/en.js";
