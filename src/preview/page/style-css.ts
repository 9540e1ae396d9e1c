/** The page's stylesheet (a string for the same reason as app-js.ts). */
export const STYLE_CSS = `
:root { color-scheme: dark; font: 14px/1.4 system-ui, sans-serif; background: #15181d; color: #dde3ea; }
body { margin: 0; padding: 16px 24px; }
header h1 { font-size: 20px; margin: 0 0 4px; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; margin-top: 16px; }
.card { background: #1d2128; border: 1px solid #2c323c; border-radius: 8px; padding: 10px; }
.card > header { display: flex; align-items: center; gap: 8px; }
.card h2 { font-size: 16px; margin: 0; flex: 1; }
.stage { position: relative; width: 320px; height: 320px; margin: 8px auto; }
.view { width: 320px; height: 320px; display: block; border-radius: 4px; }
.message { position: absolute; inset: auto 8px 8px 8px; margin: 0; color: #f4b860; }
.clips { list-style: none; padding: 0; margin: 0; }
.clip { border-top: 1px solid #2c323c; padding: 4px 0; }
.play { display: flex; width: 100%; gap: 8px; align-items: center; background: none; border: 0; color: inherit; font: inherit; padding: 4px; cursor: pointer; text-align: left; }
.play:hover:not(:disabled), .play[aria-pressed="true"] { background: #283040; border-radius: 4px; }
.play:disabled { cursor: not-allowed; opacity: 0.6; }
.play .name { flex: 1; font-weight: 600; }
.stats { color: #9aa6b2; font-variant-numeric: tabular-nums; }
.badge { border-radius: 10px; padding: 0 8px; font-size: 12px; }
.status-ok { background: #1f4d33; }
.status-stale { background: #5a4a16; }
.status-missing { background: #4a4f59; }
.status-failed { background: #6b2226; }
.reasons { margin: 0 0 2px 12px; padding: 0; color: #c9b27a; font-size: 12px; }
`;
