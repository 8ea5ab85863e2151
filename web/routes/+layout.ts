// A static, client-rendered shell: DuckDB-wasm only runs in the browser, and the build is served
// as plain files (shared/STYLE.md §6).
export const ssr = false;
export const prerender = true;
